// LD_PRELOADed by deploy/sanitize.sh into the TSan run only (not part of any product build).
// librdkafka runs its threads and locks with C11 <threads.h>; glibc implements thrd_*, mtx_*
// and cnd_* without calling the pthread_* entry points, and GCC 12's ThreadSanitizer
// intercepts only those. Unseen, a librdkafka thread crashes TSan in its first malloc (SEGV in
// SizeClassAllocator64LocalCache::Allocate), an unseen thrd_join leaves "dup thread with used
// id", and unseen locks hide every happens-before librdkafka establishes. These are glibc's
// own definitions, through the intercepted pthread_* calls (glibc's thrd_t is a pthread_t,
// mtx_t a pthread_mutex_t, cnd_t a pthread_cond_t).
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <threads.h>

static int result(int rc) {
  switch (rc) {
    case 0: return thrd_success;
    case ETIMEDOUT: return thrd_timedout;
    case EBUSY: return thrd_busy;
    case ENOMEM: case EAGAIN: return thrd_nomem;
    default: return thrd_error;
  }
}

int thrd_create(thrd_t* thr, thrd_start_t func, void* arg) {
  // thrd_join() reads the int result back from the void* the thread returns, as glibc does.
  return result(pthread_create((pthread_t*)thr, NULL, (void* (*)(void*))func, arg));
}
int thrd_join(thrd_t thr, int* res) {
  void* out = NULL;
  int rc = pthread_join((pthread_t)thr, &out);
  if (rc == 0 && res != NULL) *res = (int)(intptr_t)out;
  return result(rc);
}
int thrd_detach(thrd_t thr) { return result(pthread_detach((pthread_t)thr)); }

int mtx_init(mtx_t* m, int type) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  if (type & mtx_recursive) pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  int rc = pthread_mutex_init((pthread_mutex_t*)m, &a);
  pthread_mutexattr_destroy(&a);
  return result(rc);
}
int mtx_lock(mtx_t* m) { return result(pthread_mutex_lock((pthread_mutex_t*)m)); }
int mtx_trylock(mtx_t* m) { return result(pthread_mutex_trylock((pthread_mutex_t*)m)); }
int mtx_timedlock(mtx_t* restrict m, const struct timespec* restrict t) {
  return result(pthread_mutex_timedlock((pthread_mutex_t*)m, t));
}
int mtx_unlock(mtx_t* m) { return result(pthread_mutex_unlock((pthread_mutex_t*)m)); }
void mtx_destroy(mtx_t* m) { pthread_mutex_destroy((pthread_mutex_t*)m); }

int cnd_init(cnd_t* c) { return result(pthread_cond_init((pthread_cond_t*)c, NULL)); }
int cnd_signal(cnd_t* c) { return result(pthread_cond_signal((pthread_cond_t*)c)); }
int cnd_broadcast(cnd_t* c) { return result(pthread_cond_broadcast((pthread_cond_t*)c)); }
int cnd_wait(cnd_t* c, mtx_t* m) {
  return result(pthread_cond_wait((pthread_cond_t*)c, (pthread_mutex_t*)m));
}
int cnd_timedwait(cnd_t* restrict c, mtx_t* restrict m, const struct timespec* restrict t) {
  return result(pthread_cond_timedwait((pthread_cond_t*)c, (pthread_mutex_t*)m, t));
}
void cnd_destroy(cnd_t* c) { pthread_cond_destroy((pthread_cond_t*)c); }
