// earshot::pipeline::core — errors as values.
//
// Core code returns Result<T> (std::expected<T, Error>) or Status (Result<void>) and never
// throws; exceptions from libraries are caught at the edge that calls them and converted.
//
//   Result<int> parse(std::string_view s);
//   auto n = parse("12");
//   if (!n) return std::unexpected(n.error());   // or: EARSHOT_TRY(n)
//
// Error::code tells a caller what it can do about it (retry, abort a transaction, give up);
// Error::message is for people and names the field, file or broker involved.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace earshot::pipeline::core {

enum class ErrorCode {
  kInvalidArgument,  // the caller's input is wrong (bad record, bad config value)
  kNotFound,
  kRetriable,        // try the same call again later
  kAbortable,        // abort the open transaction, rewind, go on
  kFenced,           // another instance took over; recreate or stop
  kFatal,            // this object can no longer be used
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

template <class T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}
inline Status ok() { return {}; }

}  // namespace earshot::pipeline::core
