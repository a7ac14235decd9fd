#include "vendor-sample/crypto/strict_json.h"

#include <set>
#include <string>
#include <vector>

namespace vendor_sample::crypto {
namespace {

using Json = nlohmann::json;

// Builds the document from SAX events, checking member names and depth as it goes. nlohmann's SAX
// parser is iterative, so a deep input stops here before it can exhaust the stack.
class StrictSax : public nlohmann::json_sax<Json> {
 public:
  explicit StrictSax(int max_depth) : max_depth_(max_depth) {}

  bool null() override { return Put(nullptr) != nullptr; }
  bool boolean(bool v) override { return Put(v) != nullptr; }
  bool number_integer(number_integer_t v) override { return Put(v) != nullptr; }
  bool number_unsigned(number_unsigned_t v) override { return Put(v) != nullptr; }
  bool number_float(number_float_t v, const string_t&) override { return Put(v) != nullptr; }
  bool string(string_t& v) override { return Put(std::move(v)) != nullptr; }
  bool binary(binary_t&) override { return Fail("binary values are not JSON"); }

  bool start_object(std::size_t) override { return Open(Json::object()); }
  bool key(string_t& k) override {
    if (!keys_.back().insert(k).second) {
      return Fail("duplicate member name \"" + k.substr(0, 64) + "\"");
    }
    pending_key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    keys_.pop_back();
    return Close();
  }
  bool start_array(std::size_t) override { return Open(Json::array()); }
  bool end_array() override { return Close(); }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    return Fail("malformed JSON at byte " + std::to_string(position > 0 ? position - 1 : 0));
  }

  const std::string& error() const { return error_; }
  Json& root() { return root_; }

 private:
  Json* Put(Json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json* parent = stack_.back();
    if (parent->is_object()) {
      Json& slot = (*parent)[pending_key_];
      slot = std::move(value);
      return &slot;
    }
    parent->push_back(std::move(value));
    return &parent->back();
  }

  bool Open(Json container) {
    if (static_cast<int>(stack_.size()) >= max_depth_) {
      return Fail("nested deeper than " + std::to_string(max_depth_) + " levels");
    }
    const bool is_object = container.is_object();
    Json* j = Put(std::move(container));
    stack_.push_back(j);
    if (is_object) keys_.emplace_back();
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  const int max_depth_;
  Json root_;
  std::vector<Json*> stack_;  // open containers; each stays put while it is open
  std::vector<std::set<std::string>> keys_;
  std::string pending_key_;
  std::string error_;
};

}  // namespace

StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, int max_depth) {
  StrictSax sax(max_depth);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &sax, Json::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
  if (!ok) {
    return InvalidArgumentError(sax.error().empty() ? std::string("malformed JSON") : sax.error());
  }
  return std::move(sax.root());
}

}  // namespace vendor_sample::crypto
