#include "vendor-sample/web/html.h"

namespace vendor_sample::web {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Page(const std::string& title, const std::string& body_html) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"referrer\" content=\"no-referrer\">"
         "<title>" +
         Escape(title) +
         " - vendor-sample</title>"
         "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}"
         "label{display:block;margin:.6em 0}input{display:block;width:100%;padding:.3em}"
         ".error{color:#a00}.state{font-family:monospace}</style></head><body>"
         "<h1>" +
         Escape(title) + "</h1>\n" + body_html + "\n</body></html>\n";
}

Reply ErrorPage(int status, const std::string& title, const std::string& reason) {
  return Reply::Html(status,
                     Page(title, "<p class=\"error\" id=\"reason\">" + Escape(reason) + "</p>"));
}

}  // namespace vendor_sample::web
