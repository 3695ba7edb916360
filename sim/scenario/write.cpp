// The YAML writer: a visitor over the schema that writes every key, defaults included.
#include <string>

#include "caresim/scenario/load.hpp"
#include "schema.hpp"
#include "text.hpp"

namespace caresim {
namespace detail::loading {
namespace {

// ---------------------------------------------------------------------------------------------
// Writing YAML

class Writer {
 public:
  Writer(std::string& out, int indent, std::string first_line_prefix = {})
      : out_(out), indent_(indent), pending_prefix_(std::move(first_line_prefix)) {}

  void field(std::string_view key, std::string& value, TextForm, std::string_view, std::string_view,
             Need = Need::optional) {
    line(key, quote_yaml(value));
  }
  void field(std::string_view key, int& value, IntRange, std::string_view, std::string_view,
             Need = Need::optional) {
    line(key, std::to_string(value));
  }
  void field(std::string_view key, std::uint64_t& value, AnyUnsigned, std::string_view,
             std::string_view, Need = Need::optional) {
    line(key, std::to_string(value));
  }
  void field(std::string_view key, double& value, RealRange, std::string_view, std::string_view,
             Need = Need::optional) {
    line(key, format_real(value));
  }
  template <class Enum>
  void choice(std::string_view key, Enum& value, Names names, std::string_view,
              Need = Need::optional) {
    const auto index = static_cast<std::size_t>(value);
    line(key, index < names.size() ? quote_if_needed(names[index]) : quote_yaml(""));
  }
  void table(std::string_view key, std::span<double> values, Names names, RealRange,
             std::string_view, std::string_view) {
    line(key, "");
    Writer inner(out_, indent_ + 2);
    for (std::size_t i = 0; i < values.size(); ++i)
      inner.line(yaml_key(names[i]), format_real(values[i]));
  }
  template <class Struct>
  void section(std::string_view key, Struct& sub, std::string_view) {
    line(key, "");
    Writer inner(out_, indent_ + 2);
    visit(inner, sub);
  }
  template <class Struct>
  void list(std::string_view key, std::vector<Struct>& items, std::size_t, std::string_view,
            Need = Need::optional) {
    if (items.empty()) {
      line(key, "[]");
      return;
    }
    line(key, "");
    for (auto& item : items) {
      Writer inner(out_, indent_ + 4,
                   std::string(static_cast<std::size_t>(indent_ + 2), ' ') + "- ");
      visit(inner, item);
    }
  }
  void numbers(std::string_view key, std::vector<double>& items, RealRange, std::string_view,
               std::string_view) {
    std::string flow;
    for (const double item : items)
      flow += (flow.empty() ? "" : ", ") + format_real(item);
    line(key, "[" + flow + "]");
  }
  void strings(std::string_view key, std::vector<std::string>& items, std::string_view) {
    std::string flow;
    for (const auto& item : items)
      flow += (flow.empty() ? "" : ", ") + quote_yaml(item);
    line(key, "[" + flow + "]");
  }
  template <class Enum>
  void choices(std::string_view key, std::vector<Enum>& items, Names names, std::string_view) {
    std::string flow;
    for (const Enum item : items)
      flow += (flow.empty() ? "" : ", ") + std::string(names[static_cast<std::size_t>(item)]);
    line(key, "[" + flow + "]");
  }
  template <class Rule>
  void check(std::string_view, std::string_view, Rule&&) {}

  void kind_sections(InterventionSpec& spec, const InterventionKinds& kinds) {
    if (const InterventionKindInfo* kind = kinds.find(spec.kind)) {
      section(kind->section, spec.params, "");
    }
  }

 private:
  /// An enum's name as written: names are simple words, so bare.
  static std::string quote_if_needed(std::string_view name) { return std::string(name); }

  void line(std::string_view key, std::string_view value) {
    if (pending_prefix_.empty()) {
      out_.append(static_cast<std::size_t>(indent_), ' ');
    } else {
      out_ += pending_prefix_;
      pending_prefix_.clear();
    }
    out_ += key;
    out_ += ':';
    if (!value.empty()) {
      out_ += ' ';
      out_ += value;
    }
    out_ += '\n';
  }

  std::string& out_;
  int indent_;
  std::string pending_prefix_;  // "  - " before the first key of a sequence entry
};

}  // namespace
}  // namespace detail::loading

std::string to_yaml(const Scenario& scenario) {
  std::string out;
  Scenario copy = scenario;  // the visitors take mutable references, shared with the reader
  detail::loading::Writer writer(out, 0);
  detail::visit(writer, copy);
  return out;
}

}  // namespace caresim
