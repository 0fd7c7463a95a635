// jemalloc's settings for the `earshot` binary (cmake/dependencies.cmake links jemalloc in;
// jemalloc reads this global when it starts, and MALLOC_CONF in the environment overrides it).
//   background_thread  a jemalloc thread hands freed pages back to the OS, not the threads that
//                      free them;
//   dirty_decay_ms 500, muzzy_decay_ms 0  (jemalloc's defaults: 10 s, 0) what is freed after
//                      the config, entities and customer directories are loaded goes back to the
//                      OS within half a second, so resident memory is the live state:
//                      bench/memory.sh (10,000 entities, 1,000,000 customer handles) peaks at
//                      ~207 MB instead of ~285 MB (bench/RESULTS.md, issue 18).
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's contract.
const char* malloc_conf = "background_thread:true,dirty_decay_ms:500,muzzy_decay_ms:0";
}
