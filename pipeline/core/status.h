// earshot::pipeline::core — errors as values.
//
// Core code returns Result<T> (a std::expected<T, Error> that must not be ignored) or Status
// (Result<void>) and never throws; exceptions from libraries are caught at the edge that
// calls them and converted.
//
//   Result<int> parse(std::string_view s);
//   Status load(std::string_view path) {
//     auto n = parse("12");
//     EARSHOT_TRY(n);                  // returns n's error from load() when n failed
//     EARSHOT_TRY(check(*n));          // the same for any expression yielding a Result
//     return ok();
//   }
//
// Error::code tells a caller what it can do about it (retry, abort a transaction, give up);
// Error::message is for people and names the field, file or broker involved. Result and
// Status are [[nodiscard]]: dropping one is a compile error under -Werror; where a failure
// really does not matter, say so with `(void)` and a comment.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace earshot::pipeline::core {

enum class ErrorCode {
  kInvalidArgument,  // the caller's input is wrong (bad record, bad config value)
  kNotFound,
  kRetriable,  // try the same call again later
  kAbortable,  // abort the open transaction, rewind, go on
  kFenced,     // another instance took over; recreate or stop
  kFatal,      // this object can no longer be used
  kTimeout,
  kIo,
  kUnavailable,
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kFatal;
  std::string message;

  Error() = default;
  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}
  std::string to_string() const;
};

// std::expected<T, Error> with [[nodiscard]]: everything std::expected does, and a
// conversion from a plain std::expected<T, Error>.
template <class T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  Result() = default;
  Result(std::expected<T, Error> e) : std::expected<T, Error>(std::move(e)) {}  // NOLINT: implicit
};
using Status = Result<void>;

// Returns the error of `expr` (a Result or Status) from the enclosing function when it
// failed; evaluates `expr` once. The enclosing function returns any Result or Status.
#define EARSHOT_TRY(...)                                                    \
  do {                                                                      \
    if (auto&& earshot_try_result_ = (__VA_ARGS__); !earshot_try_result_) { \
      return std::unexpected(std::move(earshot_try_result_).error());       \
    }                                                                       \
  } while (false)

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}
inline Status ok() { return {}; }

}  // namespace earshot::pipeline::core
