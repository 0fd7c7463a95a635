// The names of the intents (intent.h): to_string() and parse_intent().
#include "sentiment/intent.h"

namespace earshot::sentiment {

std::string_view to_string(Intent intent) {
  switch (intent) {
    case Intent::complaint:
      return "complaint";
    case Intent::question:
      return "question";
    case Intent::praise:
      return "praise";
    case Intent::other:
      return "other";
  }
  return "other";
}

bool parse_intent(std::string_view text, Intent* out) {
  for (Intent i : {Intent::complaint, Intent::question, Intent::praise, Intent::other}) {
    if (text == to_string(i)) {
      *out = i;
      return true;
    }
  }
  return false;
}

}  // namespace earshot::sentiment
