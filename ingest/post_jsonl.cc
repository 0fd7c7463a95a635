#include "ingest/post_jsonl.h"

#include "ingest/time_util.h"
#include "pipeline/codec/json_codec.h"

namespace earshot::ingest {

pipeline::core::Result<pipeline::core::Post> decode_post_line(std::string_view json) {
  auto post = pipeline::codec::decode_post(json);
  if (!post) return post;
  auto created = normalize_rfc3339(post->created_at);
  if (!created)
    return pipeline::core::fail(pipeline::core::ErrorCode::kInvalidArgument,
                                "created_at: not an RFC 3339 instant");
  post->created_at = *created;
  auto ingested = normalize_rfc3339(post->ingested_at);
  post->ingested_at = ingested ? *ingested : now_rfc3339();
  return post;
}

Normalized decode_post_lines(std::string_view body, std::string_view source) {
  Normalized out;
  while (!body.empty()) {
    std::size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto post = decode_post_line(line);
    if (post)
      out.posts.push_back(std::move(*post));
    else
      out.dead.push_back(make_dead_letter(source, post.error().message, std::string(line)));
  }
  return out;
}

}  // namespace earshot::ingest
