#include "emulator/harness/template.h"

#include <cctype>

namespace mpemu::harness {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool ValidPath(std::string_view path) {
  if (path.empty() || path.front() == '.' || path.back() == '.') return false;
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '.' && path[i + 1] == '.') return false;
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  }
  return true;
}

// Calls `on_template(expr, begin, end)` for each `{{ expr }}`; errors on an unclosed one.
template <typename F>
Status ForEachTemplate(std::string_view text, F on_template) {
  size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    size_t close = text.find("}}", pos + 2);
    if (close == std::string_view::npos) {
      return InvalidArgumentError("unclosed \"{{\" at offset " + std::to_string(pos) + " in \"" +
                                  std::string(text) + "\"");
    }
    std::string_view expr = Trim(text.substr(pos + 2, close - pos - 2));
    if (!ValidPath(expr)) {
      return InvalidArgumentError("bad template \"{{" + std::string(text.substr(pos + 2, close - pos - 2)) +
                                  "}}\": expected a dotted name such as {{ sub.token }}");
    }
    MPEMU_RETURN_IF_ERROR(on_template(expr, pos, close + 2));
    pos = close + 2;
  }
  return Status::Ok();
}

std::string Render(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

bool HasTemplate(std::string_view text) { return text.find("{{") != std::string_view::npos; }

Status CheckTemplates(std::string_view text, std::vector<std::string>* names) {
  return ForEachTemplate(text, [names](std::string_view expr, size_t, size_t) {
    if (names) names->emplace_back(expr.substr(0, expr.find('.')));
    return Status::Ok();
  });
}

StatusOr<nlohmann::json> Vars::Lookup(std::string_view path) const {
  const nlohmann::json* node = &root_;
  std::string walked;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string part(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    const nlohmann::json* next = nullptr;
    if (node->is_object()) {
      auto it = node->find(part);
      if (it != node->end()) next = &*it;
    } else if (node->is_array() && !part.empty() &&
               part.find_first_not_of("0123456789") == std::string::npos && part.size() < 9) {
      size_t index = std::stoul(part);
      if (index < node->size()) next = &(*node)[index];
    }
    if (next == nullptr) {
      std::string known;
      if (node->is_object()) {
        for (const auto& [k, v] : node->items()) known += (known.empty() ? "" : ", ") + k;
      } else if (node->is_array()) {
        known = "indexes 0.." + std::to_string(static_cast<int64_t>(node->size()) - 1);
      }
      std::string where = walked.empty() ? "variable" : "\"" + walked + "\" has no";
      return InvalidArgumentError("unknown " + where + " \"" + part + "\"" +
                                  (known.empty() ? std::string() : " (known: " + known + ")"));
    }
    node = next;
    walked += (walked.empty() ? "" : ".") + part;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return *node;
}

StatusOr<nlohmann::json> Vars::Resolve(std::string_view path, int depth) const {
  MPEMU_ASSIGN_OR_RETURN(nlohmann::json value, Lookup(path));
  if (path.substr(0, path.find('.')) != "variant") return value;
  if (depth >= 4) return InvalidArgumentError("templates nested too deeply at \"" + std::string(path) + "\"");
  return ExpandValue(value, depth + 1);
}

StatusOr<std::string> Vars::Expand(const std::string& text) const { return ExpandText(text, 0); }

StatusOr<nlohmann::json> Vars::ExpandJson(const nlohmann::json& value) const { return ExpandValue(value, 0); }

StatusOr<std::string> Vars::ExpandText(const std::string& text, int depth) const {
  if (!HasTemplate(text)) return text;
  std::string out;
  size_t copied = 0;
  Status status = ForEachTemplate(text, [&](std::string_view expr, size_t begin, size_t end) -> Status {
    MPEMU_ASSIGN_OR_RETURN(nlohmann::json value, Resolve(expr, depth));
    out.append(text, copied, begin - copied);
    out += Render(value);
    copied = end;
    return Status::Ok();
  });
  if (!status.ok()) return status;
  out.append(text, copied, std::string::npos);
  return out;
}

StatusOr<nlohmann::json> Vars::ExpandValue(const nlohmann::json& value, int depth) const {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (!HasTemplate(text)) return value;
    // Exactly one template, nothing around it (not even spaces, which are data): keep the
    // referenced value's type.
    std::string_view trimmed = text;
    if (trimmed.size() >= 4 && trimmed.substr(0, 2) == "{{" && trimmed.substr(trimmed.size() - 2) == "}}" &&
        trimmed.find("{{", 2) == std::string_view::npos) {
      std::string_view expr = Trim(trimmed.substr(2, trimmed.size() - 4));
      if (ValidPath(expr)) return Resolve(expr, depth);
    }
    MPEMU_ASSIGN_OR_RETURN(std::string expanded, ExpandText(text, depth));
    return nlohmann::json(expanded);
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : value.items()) {
      MPEMU_ASSIGN_OR_RETURN(out[k], ExpandValue(v, depth));
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : value) {
      MPEMU_ASSIGN_OR_RETURN(nlohmann::json e, ExpandValue(v, depth));
      out.push_back(std::move(e));
    }
    return out;
  }
  return value;
}

}  // namespace mpemu::harness
