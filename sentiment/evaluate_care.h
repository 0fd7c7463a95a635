// earshot::sentiment — evaluation on the customer-care set: entity-targeted sentiment and
// intent over posts that name one or more companies (tests/sentiment/data/customer_care.tsv,
// described in tests/sentiment/data/README.md).
//
// File format, one post a line ('#' lines are comments):
//   split<TAB>industry<TAB>intent<TAB>text<TAB>entity<TAB>label[<TAB>entity<TAB>label ...]
// split is "tune" (rules may be fitted to it) or "final" (kept untouched for the reported
// figure); each entity is a name that occurs in the text (its first occurrence is the span);
// label is negative|neutral|positive, intent complaint|question|praise|other.
//
//   auto posts = read_care_tsv("tests/sentiment/data/customer_care.tsv");
//   auto base = load_scorer("default");
//   CareReport r = evaluate_care(**base, *posts, "final");
//   std::puts(format_care_report(r).c_str());
//
// The pipeline's path is reproduced: TargetedScorer over the base scorer with every entity's
// span and the post's own score handed in, IntentClassifier with that post score.
//
// Thread safety: free functions over values. Lifetime: nothing kept.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sentiment/evaluate.h"
#include "sentiment/intent.h"
#include "sentiment/sentiment.h"

namespace earshot::sentiment {

struct CarePost {
  std::string split;
  std::string industry;
  Intent intent = Intent::other;
  std::string text;
  std::vector<std::pair<std::string, Label>> entities;
};

std::expected<std::vector<CarePost>, std::string> read_care_tsv(const std::string& path);

struct CareReport {
  std::size_t posts = 0;
  EvalReport entities;        // every (post, entity)
  EvalReport multi_entities;  // (post, entity) of posts naming two or more entities
  double intent_accuracy = 0.0;
  double intent_macro_f1 = 0.0;
};

// `split` "" takes every post; otherwise only posts of that split.
CareReport evaluate_care(const Scorer& base, const std::vector<CarePost>& posts,
                         std::string_view split);

std::string format_care_report(const CareReport& report);

}  // namespace earshot::sentiment
