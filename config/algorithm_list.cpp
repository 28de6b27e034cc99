#include "config/algorithm_list.h"

#include <algorithm>

#include "pattern/wildcard.h"

namespace lpsshd::config {
namespace {

bool is_pattern(std::string_view entry) {
  return entry.find_first_of("*?") != std::string_view::npos;
}

bool contains(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

void add_unique(std::vector<std::string>& list, std::string_view name) {
  if (!contains(list, name)) list.emplace_back(name);
}

bool matches(std::string_view pattern, std::string_view name) {
  return pattern::wildcard_match(pattern, name, /*ignore_case=*/false);
}

std::string joined(std::span<const std::string_view> names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

// Splits the list after its operator into entries, checking each one's form
// and, for a literal name, that lpsshd supports it. `negation_ok`: a "-"
// list, where "!name" keeps a name the other entries would remove.
bool split_entries(std::string_view list, bool negation_ok,
                   std::span<const std::string_view> supported,
                   std::vector<std::string_view>& entries, std::string& why) {
  if (list.empty()) {
    why = "empty algorithm list";
    return false;
  }
  while (true) {
    const size_t comma = list.find(',');
    const std::string_view entry = list.substr(0, comma);
    if (entries.size() == kMaxAlgorithmEntries) {
      why = "more than " + std::to_string(kMaxAlgorithmEntries) + " names in the list";
      return false;
    }
    if (entry.size() > kMaxAlgorithmEntryBytes) {
      why = "name longer than " + std::to_string(kMaxAlgorithmEntryBytes) + " bytes in the list";
      return false;
    }
    std::string_view name = entry;
    if (!name.empty() && name.front() == '!') {
      if (!negation_ok) {
        why = "\"" + std::string(entry) + "\": '!' is allowed only in a list starting with '-'";
        return false;
      }
      name.remove_prefix(1);
    }
    if (name.empty()) {
      why = "empty name in the list";
      return false;
    }
    for (char c : name)
      if (c <= ' ' || c > '~' || c == '!') {
        why = "\"" + std::string(entry) + "\" is not an algorithm name";
        return false;
      }
    // A literal name lpsshd does not know is a typo or an algorithm it
    // lacks: either way the admin's intent cannot be carried out as written.
    if (!is_pattern(name) &&
        std::find(supported.begin(), supported.end(), name) == supported.end()) {
      why = "unsupported algorithm \"" + std::string(name) + "\" (lpsshd supports " +
            joined(supported) + ")";
      return false;
    }
    entries.push_back(entry);
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

// Appends, for each entry in order, the supported names it matches (a
// pattern's in table order), skipping names already in `out`. Only names of
// `supported` are ever copied, whatever the entry: a check missed above
// cannot put a name lpsshd lacks into a list. An empty name in a table (a
// std::array slot left without a row) is never an algorithm, not even for
// "*".
void expand(std::span<const std::string_view> entries, std::span<const std::string_view> supported,
            std::vector<std::string>& out) {
  for (auto entry : entries)
    for (auto name : supported)
      if (!name.empty() && (is_pattern(entry) ? matches(entry, name) : entry == name))
        add_unique(out, name);
}

// OpenSSH's match_pattern_list: removed when some plain entry matches and no
// negated one does.
bool removed_by(std::span<const std::string_view> entries, std::string_view name) {
  bool positive = false;
  for (auto entry : entries) {
    if (entry.front() == '!') {
      if (matches(entry.substr(1), name)) return false;
    } else if (matches(entry, name)) {
      positive = true;
    }
  }
  return positive;
}

}  // namespace

bool resolve_algorithm_list(std::string_view value,
                            std::span<const std::string_view> supported,
                            std::span<const std::string_view> defaults,
                            std::vector<std::string>& out, std::string& why) {
  out.clear();
  const char op = value.empty() ? '\0' : value.front();
  const bool has_op = op == '+' || op == '-' || op == '^';
  std::vector<std::string_view> entries;
  if (!split_entries(has_op ? value.substr(1) : value, op == '-', supported, entries, why))
    return false;

  switch (op) {
    case '+':
      expand(defaults, supported, out);
      expand(entries, supported, out);
      break;
    case '^':
      expand(entries, supported, out);
      expand(defaults, supported, out);
      break;
    case '-':
      for (auto name : defaults)
        if (!name.empty() && !removed_by(entries, name)) add_unique(out, name);
      break;
    default:
      expand(entries, supported, out);
      break;
  }
  if (out.empty()) {
    why = "\"" + std::string(value) + "\" leaves no algorithm";
    return false;
  }
  return true;
}

bool resolve_algorithm_list(transport::AlgorithmKind kind, std::string_view value,
                            std::vector<std::string>& out, std::string& why) {
  const auto supported = transport::supported_algorithms(kind);
  const auto defaults = transport::default_algorithms(kind);
  return resolve_algorithm_list(value, supported, defaults, out, why);
}

std::vector<std::string> default_algorithm_names(transport::AlgorithmKind kind) {
  const auto names = transport::default_algorithms(kind);
  return {names.begin(), names.end()};
}

}  // namespace lpsshd::config
