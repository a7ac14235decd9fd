// HTML output: escaping and the one page layout.
#ifndef VENDOR_SAMPLE_WEB_HTML_H_
#define VENDOR_SAMPLE_WEB_HTML_H_

#include <string>
#include <string_view>

#include "vendor-sample/web/http_types.h"

namespace vendor_sample::web {

// Escapes & < > " ' for text and attribute values.
std::string Escape(std::string_view text);

// A complete page; `body_html` is trusted markup (escape what goes into it).
std::string Page(const std::string& title, const std::string& body_html);

// A page that says why a request was refused: `status` (4xx), a title and the reason (escaped).
Reply ErrorPage(int status, const std::string& title, const std::string& reason);

}  // namespace vendor_sample::web

#endif  // VENDOR_SAMPLE_WEB_HTML_H_
