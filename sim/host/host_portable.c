/*	xcallsim: sim/host/host_portable.c, any POSIX host	*/

/*
 * Copyright (c) 2026 The xcallsim developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Any POSIX host: waits poll the word, sleeping with nanosleep(2) a
 * little longer each time, up to a millisecond, so a wake is a no-op
 * and both stay async-signal-safe with nothing but POSIX underneath.
 * A halted CPU then takes up to that long to notice an IPI: slower than
 * a native backend, never wrong.  The host tells nothing about the
 * process.  Built on Linux with -DXCALLSIM_HOST=portable, it shows that
 * the rest of the library needs nothing more.
 */

#include <errno.h>
#include <sched.h>
#include <time.h>

#include "host.h"

#define XCS_HOST_YIELDS		64	/* before the first sleep */
#define XCS_HOST_NAP_MAX_NS	1000000	/* the longest sleep */

const char xcs_host_name[] = "portable";

static uint64_t
xcs_host_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

void
xcs_host_wait(int32_t *word, int32_t val, uint64_t ns)
{
	struct timespec nap;
	uint64_t start, left, step = 1000;
	unsigned int i;

	start = ns == 0 ? 0 : xcs_host_now_ns();
	/* The waker's store, made before its wake, is what ends the wait. */
	for (i = 0; __atomic_load_n(word, __ATOMIC_ACQUIRE) == val; i++) {
		if (ns != 0) {
			if (xcs_host_now_ns() - start >= ns)
				return;
			left = ns - (xcs_host_now_ns() - start);
		} else
			left = step;
		if (i < XCS_HOST_YIELDS) {
			sched_yield();
			continue;
		}
		nap.tv_sec = 0;
		nap.tv_nsec = step < left ? step : left;
		/* An interrupted sleep is an early return: look again. */
		if (nanosleep(&nap, NULL) == -1 && errno == EINTR)
			return;
		if (step < XCS_HOST_NAP_MAX_NS)
			step *= 2;
	}
}

/* The waiter polls the word: nothing to do. */
void
xcs_host_wake(int32_t *word)
{
	(void)word;
}

/*
 * A number of this thread's own, handed out at its first call.  The
 * machine asks on every CPU thread before it takes a signal.
 */
int
xcs_host_tid(void)
{
	static int next = 1;
	static __thread int tid;

	if (tid == 0)
		/* Only the count is shared; nothing else is ordered by it. */
		tid = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);
	return (tid);
}

int
xcs_host_thread_asleep(int tid)
{
	(void)tid;
	return (-1);
}

long
xcs_host_rss_kib(void)
{
	return (-1);
}

int
xcs_host_threads(void)
{
	return (-1);
}

int
xcs_host_fds(void)
{
	return (-1);
}
