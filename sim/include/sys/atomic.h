/*	xcallsim: sys/atomic.h	*/

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
 * atomic(9) as OpenBSD's sys/atomic.h (1.10) with amd64's
 * machine/atomic.h (1.23) underneath.  The MI contract is kept: no
 * atomic_* operation promises to order other memory; callers use
 * membar_*.  The host operations are full barriers anyway, which is at
 * least as strong as amd64's lock-prefixed instructions.  In seeded
 * replay each operation is a scheduling point (machine/atomic.h).
 */

#ifndef _SYS_ATOMIC_H_
#define _SYS_ATOMIC_H_

#include <machine/atomic.h>

/*
 * Compare and swap; each returns the previous value, and the swap
 * happened if and only if that equals o.  atomic_cas_ptr takes a
 * volatile void * like amd64's, so struct xcall ** converts silently.
 */
static inline unsigned int
atomic_cas_uint(volatile unsigned int *p, unsigned int o, unsigned int n)
{
	unsigned int old;

	xcs_replay_at(XCS_RP_READ);
	old = xcs_atomic_cas((unsigned int *)p, o, n);
	if (old == o)
		xcs_replay_at_wrote();
	return (old);
}

static inline unsigned long
atomic_cas_ulong(volatile unsigned long *p, unsigned long o, unsigned long n)
{
	unsigned long old;

	xcs_replay_at(XCS_RP_READ);
	old = xcs_atomic_cas((unsigned long *)p, o, n);
	if (old == o)
		xcs_replay_at_wrote();
	return (old);
}

/*
 * A compare-and-swap on the cpu_info array is, in practice, the MI code
 * claiming an xcall slot.  The machine's slot observers (xcshyper.h)
 * check what is being posted before the claim and count the claim, or
 * the full slot, after it; this works whatever kern_xcall.c is compiled
 * in.  A swap there is dispatch taking an xcall, which they note for
 * the reports.
 */
static inline int
xcs_slot_watched(volatile void *p)
{
	return (__builtin_expect((char *)p >= xcs_hooks.xh_slots_lo &&
	    (char *)p < xcs_hooks.xh_slots_hi, 0));
}

static inline void *
atomic_cas_ptr(volatile void *p, void *o, void *n)
{
	void *old;
	int slot;

	slot = xcs_slot_watched(p);
	if (slot)
		xcs_hooks.xh_slot_check(p, o, n);
	xcs_replay_at(XCS_RP_READ);
	old = xcs_atomic_cas((void **)p, o, n);
	if (old == o)
		xcs_replay_at_wrote();
	if (slot)
		xcs_hooks.xh_slot_claimed(p, o, n, old);
	return (old);
}

/* Swap; each returns the old value. */
static inline unsigned int
atomic_swap_uint(volatile unsigned int *p, unsigned int n)
{
	xcs_replay_at(XCS_RP_WRITE);
	return (xcs_atomic_swap((unsigned int *)p, n));
}

static inline unsigned long
atomic_swap_ulong(volatile unsigned long *p, unsigned long n)
{
	xcs_replay_at(XCS_RP_WRITE);
	return (xcs_atomic_swap((unsigned long *)p, n));
}

static inline void *
atomic_swap_ptr(volatile void *p, void *n)
{
	void *old;

	xcs_replay_at(XCS_RP_WRITE);
	old = xcs_atomic_swap((void **)p, n);
	if (xcs_slot_watched(p))
		xcs_hooks.xh_slot_taken(p, old);
	return (old);
}

/* Add and subtract, returning the new value. */
static inline unsigned int
atomic_add_int_nv(volatile unsigned int *p, unsigned int v)
{
	xcs_replay_at(XCS_RP_WRITE);
	return (xcs_atomic_add_nv((unsigned int *)p, v));
}

static inline unsigned long
atomic_add_long_nv(volatile unsigned long *p, unsigned long v)
{
	xcs_replay_at(XCS_RP_WRITE);
	return (xcs_atomic_add_nv((unsigned long *)p, v));
}

static inline unsigned int
atomic_sub_int_nv(volatile unsigned int *p, unsigned int v)
{
	xcs_replay_at(XCS_RP_WRITE);
	return (xcs_atomic_add_nv((unsigned int *)p, -v));
}

static inline unsigned long
atomic_sub_long_nv(volatile unsigned long *p, unsigned long v)
{
	xcs_replay_at(XCS_RP_WRITE);
	return (xcs_atomic_add_nv((unsigned long *)p, -v));
}

#define atomic_add_int(_p, _v)		((void)atomic_add_int_nv((_p), (_v)))
#define atomic_add_long(_p, _v)		((void)atomic_add_long_nv((_p), (_v)))
#define atomic_sub_int(_p, _v)		((void)atomic_sub_int_nv((_p), (_v)))
#define atomic_sub_long(_p, _v)		((void)atomic_sub_long_nv((_p), (_v)))
#define atomic_inc_int_nv(_p)		atomic_add_int_nv((_p), 1)
#define atomic_inc_long_nv(_p)		atomic_add_long_nv((_p), 1)
#define atomic_dec_int_nv(_p)		atomic_sub_int_nv((_p), 1)
#define atomic_dec_long_nv(_p)		atomic_sub_long_nv((_p), 1)
#define atomic_inc_int(_p)		atomic_add_int((_p), 1)
#define atomic_inc_long(_p)		atomic_add_long((_p), 1)
#define atomic_dec_int(_p)		atomic_sub_int((_p), 1)
#define atomic_dec_long(_p)		atomic_sub_long((_p), 1)

/*
 * Loads and stores: single accesses with no ordering promised, as the
 * kernel's volatile ones.  (Under TSan they are acquire and release so
 * that the sanitizer sees the flag hand-offs callers build on them.)
 */
static inline unsigned int
atomic_load_int(volatile const unsigned int *p)
{
	xcs_replay_at(XCS_RP_READ);
	return (xcs_atomic_load((const unsigned int *)p));
}

static inline unsigned long
atomic_load_long(volatile const unsigned long *p)
{
	xcs_replay_at(XCS_RP_READ);
	return (xcs_atomic_load((const unsigned long *)p));
}

static inline void
atomic_store_int(volatile unsigned int *p, unsigned int v)
{
	xcs_replay_at(XCS_RP_WRITE);
	xcs_atomic_store((unsigned int *)p, v);
}

static inline void
atomic_store_long(volatile unsigned long *p, unsigned long v)
{
	xcs_replay_at(XCS_RP_WRITE);
	xcs_atomic_store((unsigned long *)p, v);
}

#define READ_ONCE(x) ({							\
	typeof(x) __tmp = *(volatile typeof(x) *)&(x);			\
	__tmp;								\
})

#define WRITE_ONCE(x, val) ({						\
	typeof(x) __tmp = (val);					\
	*(volatile typeof(x) *)&(x) = __tmp;				\
	__tmp;								\
})

/*
 * membar_sync(9) with amd64's MULTIPROCESSOR meaning: membar_enter and
 * membar_sync are mfence (store-load ordering needs it on x86); the
 * others only stop the compiler, because x86 is TSO.
 */
#define membar_enter()			xcs_membar_full()
#define membar_exit()			xcs_membar_compiler()
#define membar_producer()		xcs_membar_compiler()
#define membar_consumer()		xcs_membar_compiler()
#define membar_sync()			xcs_membar_full()
#define membar_enter_after_atomic()	xcs_membar_compiler()
#define membar_exit_before_atomic()	xcs_membar_compiler()

#endif /* _SYS_ATOMIC_H_ */
