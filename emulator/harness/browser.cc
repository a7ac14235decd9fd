#include "emulator/harness/browser.h"

#include <gumbo.h>

#include <functional>

namespace mpemu::harness {
namespace {

std::string Attr(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a ? a->value : "";
}

std::string TextOf(const GumboNode* node) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) return node->v.text.text;
  if (node->type != GUMBO_NODE_ELEMENT) return "";
  std::string out;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) out += TextOf(static_cast<const GumboNode*>(children.data[i]));
  return out;
}

void Walk(const GumboNode* node, const std::function<void(const GumboNode*)>& visit) {
  if (node->type != GUMBO_NODE_ELEMENT) return;
  visit(node);
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) Walk(static_cast<const GumboNode*>(children.data[i]), visit);
}

void CollectFields(const GumboNode* form_node, Form& form) {
  Walk(form_node, [&form](const GumboNode* n) {
    const GumboElement& e = n->v.element;
    const std::string name = Attr(e, "name");
    if (name.empty()) return;
    if (e.tag == GUMBO_TAG_INPUT) {
      const std::string type = Attr(e, "type");
      if (type == "submit" || type == "button" || type == "image" || type == "file" || type == "reset") return;
      if ((type == "checkbox" || type == "radio") && !gumbo_get_attribute(&e.attributes, "checked")) return;
      std::string value = Attr(e, "value");
      if ((type == "checkbox" || type == "radio") && value.empty()) value = "on";
      form.fields.emplace_back(name, value);
    } else if (e.tag == GUMBO_TAG_TEXTAREA) {
      form.fields.emplace_back(name, TextOf(n));
    } else if (e.tag == GUMBO_TAG_SELECT) {
      std::string first, selected;
      bool have_selected = false;
      Walk(n, [&](const GumboNode* o) {
        if (o->v.element.tag != GUMBO_TAG_OPTION) return;
        std::string v = gumbo_get_attribute(&o->v.element.attributes, "value") ? Attr(o->v.element, "value") : TextOf(o);
        if (first.empty()) first = v;
        if (!have_selected && gumbo_get_attribute(&o->v.element.attributes, "selected")) {
          selected = v;
          have_selected = true;
        }
      });
      form.fields.emplace_back(name, have_selected ? selected : first);
    }
  });
}

std::string Origin(const std::string& url) {
  auto split = http::SplitUrl(url);
  return split.ok() ? split->first : url;
}

std::string HostOf(const std::string& url) {
  std::string origin = Origin(url);
  size_t scheme = origin.find("://");
  return scheme == std::string::npos ? origin : origin.substr(scheme + 3);
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

std::string ResolveUrl(const std::string& base, const std::string& ref) {
  if (ref.empty()) {
    size_t hash = base.find('#');
    return hash == std::string::npos ? base : base.substr(0, hash);
  }
  if (ref.find("://") != std::string::npos) return ref;
  const std::string origin = Origin(base);
  if (ref.rfind("//", 0) == 0) return origin.substr(0, origin.find("://") + 1) + ref;
  if (ref[0] == '/') return origin + ref;
  std::string path = base.substr(origin.size());
  if (ref[0] == '?') return origin + path.substr(0, path.find('?')) + ref;
  path = path.substr(0, path.find('?'));
  size_t slash = path.rfind('/');
  return origin + (slash == std::string::npos ? "/" : path.substr(0, slash + 1)) + ref;
}

std::vector<Form> ParseForms(const std::string& html, const std::string& page_url) {
  std::vector<Form> forms;
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  Walk(output->root, [&](const GumboNode* n) {
    if (n->v.element.tag != GUMBO_TAG_FORM) return;
    Form form;
    form.action = ResolveUrl(page_url, Attr(n->v.element, "action"));
    std::string method = Attr(n->v.element, "method");
    for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    form.method = method == "POST" ? "POST" : "GET";
    form.id = Attr(n->v.element, "id");
    CollectFields(n, form);
    forms.push_back(std::move(form));
  });
  gumbo_destroy_output(&kGumboDefaultOptions, output);
  return forms;
}

std::string HtmlTitle(const std::string& html) {
  std::string title;
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  Walk(output->root, [&](const GumboNode* n) {
    if (title.empty() && n->v.element.tag == GUMBO_TAG_TITLE) title = Trim(TextOf(n));
  });
  gumbo_destroy_output(&kGumboDefaultOptions, output);
  return title;
}

nlohmann::json Page::ToJson() const {
  nlohmann::json h = nlohmann::json::object();
  for (const auto& [k, v] : headers) {
    std::string key = k;
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    h[key] = v;
  }
  nlohmann::json f = nlohmann::json::array();
  for (const auto& form : forms) {
    nlohmann::json fields = nlohmann::json::object();
    for (const auto& [k, v] : form.fields) fields[k] = v;
    f.push_back({{"action", form.action}, {"method", form.method}, {"id", form.id}, {"fields", fields}});
  }
  bool html = false;
  auto ct = headers.find("Content-Type");
  if (ct != headers.end()) html = ct->second.find("html") != std::string::npos;
  return {{"url", url},       {"status", status},       {"headers", h},
          {"body", body},     {"title", html ? HtmlTitle(body) : ""},
          {"redirects", redirects}, {"forms", f}};
}

StatusOr<http::Response> Browser::Send(const std::string& method, const std::string& url,
                                       const http::Headers& headers, const std::string& body,
                                       const std::string& content_type) {
  MPEMU_ASSIGN_OR_RETURN(auto split, http::SplitUrl(url));
  http::Headers all = headers;
  if (auto route = routes_.find(HostOf(url)); route != routes_.end()) {
    all.emplace("Host", route->first);
    split.first = route->second;
  }
  auto& client = clients_[split.first];
  if (!client) {
    http::ClientOptions options;
    options.read_timeout_ms = timeout_ms_;
    client = std::make_unique<http::Client>(split.first, options);
  }
  const std::string cookies = CookieHeader(url);
  if (!cookies.empty() && all.find("Cookie") == all.end()) all.emplace("Cookie", cookies);
  all.emplace("User-Agent", "mpemu-harness");
  MPEMU_ASSIGN_OR_RETURN(http::Response response, client->Send(method, split.second, all, body, content_type));
  StoreCookies(url, response.headers);
  return response;
}

void Browser::StoreCookies(const std::string& url, const http::Headers& headers) {
  auto range = headers.equal_range("Set-Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    const std::string& line = it->second;
    const std::string pair = line.substr(0, line.find(';'));
    size_t eq = pair.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = Trim(pair.substr(0, eq));
    const std::string value = Trim(pair.substr(eq + 1));
    std::string lower = line;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto& jar = cookies_[HostOf(url)];
    if (lower.find("max-age=0") != std::string::npos || lower.find("expires=thu, 01 jan 1970") != std::string::npos) {
      jar.erase(name);
    } else {
      jar[name] = value;
    }
  }
}

std::string Browser::CookieHeader(const std::string& url) const {
  auto it = cookies_.find(HostOf(url));
  if (it == cookies_.end()) return "";
  std::string out;
  for (const auto& [k, v] : it->second) out += (out.empty() ? "" : "; ") + k + "=" + v;
  return out;
}

nlohmann::json Browser::Cookies(const std::string& url) const {
  nlohmann::json out = nlohmann::json::object();
  auto it = cookies_.find(HostOf(url));
  if (it != cookies_.end()) {
    for (const auto& [k, v] : it->second) out[k] = v;
  }
  return out;
}

void Browser::SetCookie(const std::string& url, const std::string& name, const std::string& value) {
  cookies_[HostOf(url)][name] = value;
}

StatusOr<Page> Browser::Request(const std::string& method, const std::string& url,
                                const http::Headers& headers, const std::string& body,
                                const std::string& content_type, bool follow_redirects) {
  Page page;
  std::string current_method = method;
  std::string current_url = url;
  std::string current_body = body;
  std::string current_type = content_type;
  for (int hop = 0;; ++hop) {
    MPEMU_ASSIGN_OR_RETURN(http::Response r, Send(current_method, current_url, headers, current_body, current_type));
    const std::string location = r.Header("Location");
    if (follow_redirects && r.status >= 300 && r.status < 400 && !location.empty()) {
      if (hop >= 10) return FailedPreconditionError("more than 10 redirects from " + url);
      page.redirects.push_back(current_url);
      current_url = ResolveUrl(current_url, location);
      if (r.status != 307 && r.status != 308) {
        current_method = "GET";
        current_body.clear();
        current_type.clear();
      }
      continue;
    }
    page.url = current_url;
    page.status = r.status;
    page.headers = r.headers;
    page.body = std::move(r.body);
    auto ct = page.headers.find("Content-Type");
    if (ct != page.headers.end() && ct->second.find("html") != std::string::npos) {
      page.forms = ParseForms(page.body, page.url);
    }
    return page;
  }
}

StatusOr<Page> Browser::Get(const std::string& url, bool follow_redirects) {
  return Request("GET", url, {}, "", "", follow_redirects);
}

StatusOr<Page> Browser::Submit(const Form& form, const std::map<std::string, std::string>& overrides) {
  std::vector<std::pair<std::string, std::string>> fields = form.fields;
  for (const auto& [k, v] : overrides) {
    bool replaced = false;
    for (auto& f : fields) {
      if (f.first == k) {
        f.second = v;
        replaced = true;
      }
    }
    if (!replaced) fields.emplace_back(k, v);
  }
  std::string encoded;
  for (const auto& [k, v] : fields) {
    encoded += (encoded.empty() ? "" : "&") + http::UrlEncode(k) + "=" + http::UrlEncode(v);
  }
  if (form.method == "GET") {
    std::string url = form.action.substr(0, form.action.find('?'));
    return Get(url + (encoded.empty() ? "" : "?" + encoded));
  }
  return Request("POST", form.action, {}, encoded, "application/x-www-form-urlencoded");
}

}  // namespace mpemu::harness
