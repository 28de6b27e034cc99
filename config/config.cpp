// The driver: splits text into lines, enforces the size limits, dispatches
// each line to its keyword row, and writes a Config back out.
#include "config/config.h"

#include "config/config_keywords.h"
#include "config/config_tokens.h"

namespace lpsshd::config {
namespace {

constexpr size_t kMaxText = 1 << 20;  // 1 MiB per file
constexpr size_t kMaxLine = 4096;      // bytes, excluding the newline

bool fail(std::string_view origin, size_t line_no, std::string_view why, std::string& error) {
  error.assign(origin);
  error += " line ";
  error += std::to_string(line_no);
  error += ": ";
  error += why;
  return false;
}

// One line, already known to be within limits and free of NUL and newline.
bool apply_line(std::string_view line, std::string_view origin, size_t line_no, Config& cfg,
                std::string& error) {
  detail::SplitLine split;
  std::string why;
  if (!detail::split_line(line, split, why)) return fail(origin, line_no, why, error);
  if (split.keyword.empty()) return true;  // blank or comment

  const detail::Keyword* kw = detail::find_keyword(split.keyword);
  if (kw == nullptr) {
    why = detail::is_unsupported_keyword(split.keyword) ? "Unsupported option "
                                                        : "Bad configuration option: ";
    return fail(origin, line_no, why + split.keyword, error);
  }
  const size_t slot = static_cast<size_t>(kw - detail::keyword_table().data());
  if (!kw->apply(kw->name, detail::Args(split.args, split.raw), cfg, !cfg.seen.bits[slot], why))
    return fail(origin, line_no, why, error);
  cfg.seen.bits.set(slot);
  return true;
}

}  // namespace

bool parse_config_text(std::string_view text, std::string_view origin, Config& cfg,
                       std::string& error) {
  if (text.size() > kMaxText) {
    error = std::string(origin) + ": larger than 1 MiB";
    return false;
  }
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.size() > kMaxLine) return fail(origin, line_no, "line longer than 4096 bytes", error);
    if (line.find('\0') != std::string_view::npos)
      return fail(origin, line_no, "NUL byte in line", error);
    if (!apply_line(line, origin, line_no, cfg, error)) return false;
  }
  return true;
}

bool parse_config_option(std::string_view option, Config& cfg, std::string& error) {
  constexpr std::string_view kOrigin = "command-line";
  constexpr size_t kLine = 0;  // what OpenSSH reports for -o, familiar to admins
  if (option.size() > kMaxLine) return fail(kOrigin, kLine, "option longer than 4096 bytes", error);
  if (option.find_first_of(std::string_view("\n\0", 2)) != std::string_view::npos)
    return fail(kOrigin, kLine, "option contains a line break or NUL byte", error);
  detail::SplitLine split;
  std::string why;
  // An option that sets nothing is a mistake on the command line, not a comment.
  if (detail::split_line(option, split, why) && split.keyword.empty())
    return fail(kOrigin, kLine, "empty option", error);
  return apply_line(option, kOrigin, kLine, cfg, error);
}

std::string serialize_config(const Config& cfg) {
  std::string out;
  for (const auto& kw : detail::keyword_table()) kw.emit(kw.name, cfg, out);
  return out;
}

}  // namespace lpsshd::config
