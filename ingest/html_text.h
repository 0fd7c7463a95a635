// earshot::ingest — HTML fragments to plain text.
//
// Platforms hand out post bodies as HTML (Mastodon `content`, Hacker News `text`, RSS
// `description`). Post::text is plain text: tags stripped, block breaks (<br>, </p><p>,
// <li>...) turned into newlines, named and numeric character references decoded, link text
// kept (the href is dropped), <script>/<style> content dropped, whitespace runs collapsed.
//
//   html_to_text("<p>Hi <a href=\"https://x\">@acme</a> &amp; co</p><p>bye</p>")
//     == "Hi @acme & co\nbye"
//
// Thread safety: pure functions. Invalid code points become U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace earshot::ingest {

// Plain text of an HTML fragment (see the file comment).
std::string html_to_text(std::string_view html);

// Decodes character references (&amp; &eacute; &#233; &#xE9;) in `s`; unknown named
// references are kept verbatim.
std::string decode_html_entities(std::string_view s);

}  // namespace earshot::ingest
