/*	xcallsim: machine/atomic.h	*/

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
 * The simulated machine's atomic primitives.  Everything that is shared
 * between simulated CPUs, or between a CPU and its own IPI handler, goes
 * through these, so that one file decides what the host sees.
 *
 * The normal build uses liburcu: uatomic_* are lock-prefixed x86
 * instructions and cmm_* are the x86 fences, which is what amd64's own
 * machine/atomic.h compiles to.
 *
 * gcc's ThreadSanitizer cannot see liburcu's inline assembly and does not
 * model bare fences, so under -fsanitize=thread the same operations are
 * the compiler's __atomic builtins: read-modify-writes are sequentially
 * consistent, plain loads are acquire and plain stores are release.  That
 * is at least as strong as amd64, and it lets TSan follow every hand-off
 * the kernel code relies on, including the IPI "release before the
 * signal, acquire in the handler".
 */

#ifndef _MACHINE_ATOMIC_H_
#define _MACHINE_ATOMIC_H_

#include "xcshyper.h"

#ifdef __SANITIZE_THREAD__

#define xcs_atomic_load(_p)	__atomic_load_n((_p), __ATOMIC_ACQUIRE)
#define xcs_atomic_store(_p, _v)					\
	__atomic_store_n((_p), (_v), __ATOMIC_RELEASE)
#define xcs_atomic_cas(_p, _o, _n) __extension__ ({			\
	__typeof__(*(_p)) __xcs_o = (_o);				\
	__atomic_compare_exchange_n((_p), &__xcs_o, (_n), 0,		\
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);			\
	__xcs_o;							\
})
#define xcs_atomic_swap(_p, _v)						\
	__atomic_exchange_n((_p), (_v), __ATOMIC_SEQ_CST)
#define xcs_atomic_add_nv(_p, _v)					\
	__atomic_add_fetch((_p), (_v), __ATOMIC_SEQ_CST)
#define xcs_atomic_or(_p, _v)						\
	((void)__atomic_fetch_or((_p), (_v), __ATOMIC_SEQ_CST))
#define xcs_atomic_and(_p, _v)						\
	((void)__atomic_fetch_and((_p), (_v), __ATOMIC_SEQ_CST))
/*
 * TSan does not model fences.  Every RMW above is already a full barrier
 * and every load and store is acquire or release, so the kernel's membars
 * only have to keep the compiler from moving accesses across them.
 */
/*
 * A full barrier must still order a store before a later load on the
 * real machine (the sleep/wakeup handshake depends on it), so it is a
 * locked read-modify-write of a thread-local word: a fence on x86 that
 * TSan treats as an ordinary atomic, creating no false synchronization.
 */
extern __thread unsigned long xcs_membar_word;
#define xcs_membar_full()						\
	((void)__atomic_fetch_add(&xcs_membar_word, 0, __ATOMIC_SEQ_CST))
#define xcs_membar_compiler()	__atomic_signal_fence(__ATOMIC_SEQ_CST)

#else /* __SANITIZE_THREAD__ */

#include <urcu/arch.h>
#include <urcu/uatomic.h>

#define xcs_atomic_load(_p)	uatomic_read(_p)
#define xcs_atomic_store(_p, _v) uatomic_set((_p), (_v))
/* uatomic_cmpxchg is lock cmpxchg: a full barrier returning the old value. */
#define xcs_atomic_cas(_p, _o, _n) uatomic_cmpxchg((_p), (_o), (_n))
/* uatomic_xchg is xchg: a full barrier returning the old value. */
#define xcs_atomic_swap(_p, _v)	uatomic_xchg((_p), (_v))
/* uatomic_add_return is lock xadd: a full barrier returning the new value. */
#define xcs_atomic_add_nv(_p, _v) uatomic_add_return((_p), (_v))
/* lock or and lock and: full barriers, no value. */
#define xcs_atomic_or(_p, _v)	uatomic_or((_p), (_v))
#define xcs_atomic_and(_p, _v)	uatomic_and((_p), (_v))
/* mfence, as amd64's membar_sync. */
#define xcs_membar_full()	cmm_smp_mb()
/* amd64 is TSO: the other membars only constrain the compiler. */
#define xcs_membar_compiler()	cmm_barrier()

#endif /* __SANITIZE_THREAD__ */

/*
 * Fetch-and-op, which liburcu lacks: the IPI send path needs the old value to
 * know whether an IPI was already pending, and the replay of pending
 * sources needs to know whether it or a nested handler cleared a bit.
 * The CAS is a full barrier, so everything the sender wrote before (the
 * xcall slot) is visible to the CPU that sees the bit.
 */
#define xcs_atomic_fetch_op(_p, _op, _v) __extension__ ({		\
	__typeof__(*(_p)) __xcs_old, __xcs_seen;			\
	__xcs_old = xcs_atomic_load(_p);				\
	for (;;) {							\
		__xcs_seen = xcs_atomic_cas((_p), __xcs_old,		\
		    __xcs_old _op (_v));				\
		if (__xcs_seen == __xcs_old)				\
			break;						\
		__xcs_old = __xcs_seen;					\
	}								\
	__xcs_old;							\
})
#define xcs_atomic_fetch_or(_p, _v)	xcs_atomic_fetch_op((_p), |, (_v))
#define xcs_atomic_fetch_and(_p, _v)	xcs_atomic_fetch_op((_p), &, (_v))

/*
 * Seeded replay: each kernel atomic(9) operation is a point where the
 * replay scheduler may switch CPUs; a write makes the CPU one that
 * changes memory.  The points are hooks (xcshyper.h): outside replay
 * each is one predictable branch.
 */
static inline int
xcs_replay_on(void)
{
	return (XCS_HOOKED(xh_point));
}

static inline void
xcs_replay_at(int write)
{
	if (xcs_replay_on())
		XCS_HOOK(xh_point)(write);
}

/* After a compare-and-swap that succeeded. */
static inline void
xcs_replay_at_wrote(void)
{
	if (xcs_replay_on())
		XCS_HOOK(xh_wrote)();
}

/*
 * amd64's x86_atomic_* bit operations (lock orl/andl/orq/andq).  The
 * kernel passes volatile pointers; the primitives want plain ones.
 */
static inline void
x86_atomic_setbits_u32(volatile unsigned int *p, unsigned int bits)
{
	xcs_atomic_or((unsigned int *)p, bits);
}

static inline void
x86_atomic_clearbits_u32(volatile unsigned int *p, unsigned int bits)
{
	xcs_atomic_and((unsigned int *)p, ~bits);
}

static inline void
x86_atomic_setbits_u64(volatile unsigned long *p, unsigned long bits)
{
	xcs_atomic_or((unsigned long *)p, bits);
}

static inline void
x86_atomic_clearbits_u64(volatile unsigned long *p, unsigned long bits)
{
	xcs_atomic_and((unsigned long *)p, ~bits);
}

#define atomic_setbits_int(_p, _b)					\
	(xcs_replay_at(XCS_RP_WRITE), x86_atomic_setbits_u32((_p), (_b)))
#define atomic_clearbits_int(_p, _b)					\
	(xcs_replay_at(XCS_RP_WRITE), x86_atomic_clearbits_u32((_p), (_b)))

#endif /* _MACHINE_ATOMIC_H_ */
