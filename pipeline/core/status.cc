#include "pipeline/core/status.h"

namespace earshot::pipeline::core {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kRetriable:
      return "retriable";
    case ErrorCode::kAbortable:
      return "abortable";
    case ErrorCode::kFenced:
      return "fenced";
    case ErrorCode::kFatal:
      return "fatal";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kUnavailable:
      return "unavailable";
  }
  return "unknown";
}

std::string Error::to_string() const { return std::string(core::to_string(code)) + ": " + message; }

}  // namespace earshot::pipeline::core
