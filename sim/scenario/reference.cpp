// The Markdown key reference (`caresim keys`, docs/scenario.md): a visitor over the schema that
// writes one table per section.
#include <string>
#include <vector>

#include "caresim/scenario/load.hpp"
#include "schema.hpp"
#include "text.hpp"

namespace caresim {
namespace detail::loading {
namespace {

// ---------------------------------------------------------------------------------------------
// Markdown reference

struct DocRow {
  std::string key, type, default_value, unit, allowed, meaning;
};

struct DocTable {
  std::string path;  // key path of the section ("" for the top level)
  std::string title;
  std::string intro;
  std::vector<DocRow> rows;
  std::vector<std::string> rules;
};

std::string code(std::string_view text) {
  return "`" + std::string(text) + "`";
}

class Documenter {
 public:
  Documenter(std::vector<DocTable>& tables, std::size_t table, std::string prefix)
      : tables_(tables), table_(table), prefix_(std::move(prefix)) {}

  void field(std::string_view key, std::string& value, TextForm form, std::string_view unit,
             std::string_view meaning, Need need = Need::optional) {
    const char* type = form == TextForm::iso_date ? "date" : "string";
    const char* allowed = form == TextForm::iso_date    ? "valid date yyyy-mm-dd"
                          : form == TextForm::non_empty ? "non-empty"
                                                        : "any";
    row(key, type, shown(need, quote_yaml(value)), unit, allowed, meaning);
  }
  void field(std::string_view key, int& value, IntRange range, std::string_view unit,
             std::string_view meaning, Need need = Need::optional) {
    row(key, "integer", shown(need, std::to_string(value)), unit, int_range_text(range), meaning);
  }
  void field(std::string_view key, std::uint64_t& value, AnyUnsigned, std::string_view unit,
             std::string_view meaning, Need need = Need::optional) {
    row(key, "integer", shown(need, std::to_string(value)), unit, "[0, 2^64 - 1]", meaning);
  }
  void field(std::string_view key, double& value, RealRange range, std::string_view unit,
             std::string_view meaning, Need need = Need::optional) {
    row(key, "number", shown(need, format_real(value)), unit, real_range_text(range), meaning);
  }
  template <class Enum>
  void choice(std::string_view key, Enum& value, Names names, std::string_view meaning,
              Need need = Need::optional) {
    std::string allowed;
    for (const char* name : names)
      allowed += (allowed.empty() ? "" : ", ") + code(name);
    const auto index = static_cast<std::size_t>(value);
    row(key, "enum", shown(need, index < names.size() ? names[index] : ""), "", allowed, meaning);
  }
  void table(std::string_view key, std::span<double> values, Names names, RealRange range,
             std::string_view unit, std::string_view meaning) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      row(join_path(key, names[i]), "number", code(format_real(values[i])), unit,
          real_range_text(range), meaning);
    }
  }
  template <class Struct>
  void section(std::string_view key, Struct& sub, std::string_view meaning) {
    const std::string path = join_path(prefix_, key);
    tables_.push_back({path, code(path), std::string(meaning), {}, {}});
    Documenter inner(tables_, tables_.size() - 1, path);
    visit(inner, sub);
  }
  template <class Struct>
  void list(std::string_view key, std::vector<Struct>&, std::size_t min_items,
            std::string_view meaning, Need need = Need::optional) {
    const std::string path = join_path(prefix_, key);
    const std::string size = min_items == 0 ? std::string("any number of entries")
                                            : "at least " + std::to_string(min_items) +
                                                  (min_items == 1 ? " entry" : " entries");
    row(key, "sequence", shown(need, "[]"), "", size, "see " + code(path + "[]") + " below");
    tables_.push_back(
        {path,
         code(path + "[]"),
         std::string(meaning) + " A sequence of " + size + "; each entry is a map with these keys.",
         {},
         {}});
    Documenter inner(tables_, tables_.size() - 1, path + "[]");
    Struct item{};
    visit(inner, item);
  }
  void numbers(std::string_view key, std::vector<double>&, RealRange range, std::string_view unit,
               std::string_view meaning) {
    row(key, "sequence of numbers", code("[]"), unit, "each " + real_range_text(range), meaning);
  }
  void strings(std::string_view key, std::vector<std::string>&, std::string_view meaning) {
    row(key, "sequence of strings", code("[]"), "", "names", meaning);
  }
  template <class Enum>
  void choices(std::string_view key, std::vector<Enum>&, Names names, std::string_view meaning) {
    std::string allowed;
    for (const char* name : names)
      allowed += (allowed.empty() ? "" : ", ") + code(name);
    row(key, "sequence of enums", code("[]"), "", allowed, meaning);
  }
  template <class Rule>
  void check(std::string_view anchor, std::string_view doc, Rule&&) {
    const std::string anchor_path = join_path(prefix_, anchor);
    for (auto& table : tables_) {
      if (table.path == anchor_path) {
        table.rules.emplace_back(doc);
        return;
      }
    }
    tables_[table_].rules.emplace_back(doc);
  }

  /// Every kind's parameters, each in its own table with its rules.
  void kind_sections(InterventionSpec&, const InterventionKinds& kinds) {
    for (std::size_t k = 0; k < kinds.size(); ++k) {
      const InterventionKindInfo& kind = kinds[k];
      std::string intro = std::string("Parameters when `kind` is `") + kind.name + "`.";
      if (!kind.doc.empty()) intro += " " + std::string(kind.doc);
      KindParams defaults = kind.make_params();
      const std::size_t table = tables_.size();
      section(kind.section, defaults, intro);
      if (!kind.check_doc.empty()) tables_[table].rules.emplace_back(kind.check_doc);
    }
  }

 private:
  /// A default as shown in the table; required keys have none.
  static std::string shown(Need need, std::string_view default_value) {
    return need == Need::required ? "*required*" : code(default_value);
  }

  void row(std::string_view key, std::string_view type, std::string default_value,
           std::string_view unit, std::string allowed, std::string_view meaning) {
    tables_[table_].rows.push_back({code(join_path(prefix_, key)), std::string(type),
                                    std::move(default_value), std::string(unit), std::move(allowed),
                                    std::string(meaning)});
  }

  std::vector<DocTable>& tables_;
  std::size_t table_;
  std::string prefix_;
};

std::string escape_cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace
}  // namespace detail::loading

std::string scenario_reference_markdown() {
  using namespace detail;
  using namespace detail::loading;
  std::vector<DocTable> tables;
  tables.push_back(
      {"",
       "Top level",
       "Keys of the scenario file itself. A file may also start from another: `base: "
       "../leeds_small.yaml` (a path relative to the file) takes every key of that scenario, "
       "checked on its own first, and the file then gives only what differs: maps merge key by "
       "key, anything else (a number, a list such as `organisations`, `targets` or "
       "`interventions`) replaces the base's value. Bases may chain (at most 8).",
       {},
       {}});
  Scenario defaults;
  Documenter documenter(tables, 0, "");
  visit(documenter, defaults);

  std::string out;
  for (const auto& table : tables) {
    out += "## " + table.title + "\n\n" + table.intro + "\n\n";
    out += "| Key | Type | Default | Unit | Allowed | Meaning |\n";
    out += "|-----|------|---------|------|---------|---------|\n";
    for (const auto& row : table.rows) {
      out += "| " + escape_cell(row.key) + " | " + escape_cell(row.type) + " | " +
             escape_cell(row.default_value) + " | " + escape_cell(row.unit) + " | " +
             escape_cell(row.allowed) + " | " + escape_cell(row.meaning) + " |\n";
    }
    if (!table.rules.empty()) {
      out += "\nAlso checked:\n\n";
      for (const auto& rule : table.rules)
        out += "- " + rule + "\n";
    }
    out += "\n";
  }
  out.pop_back();  // one newline at the end, not two
  return out;
}

}  // namespace caresim
