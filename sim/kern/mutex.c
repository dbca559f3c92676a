/*	xcallsim: sim/kern/mutex.c, mutex(9)	*/

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
 * mutex(9) as kern_lock.c 1.85 has it, minus parking: raise the IPL,
 * then compare-and-swap the owner from NULL to curcpu(), spinning with
 * CPU_BUSY_CYCLE.  Spinning takes the IPIs the raised level allows, as
 * on amd64, where IPL_IPI is above IPL_HIGH: that is how an IPI handler
 * can come to take a mutex its own CPU already holds.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/mutex.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include "xcshyper.h"

void
__mtx_init(struct mutex *mtx, int wantipl)
{
	mtx->mtx_owner = NULL;
	mtx->mtx_wantipl = wantipl;
	mtx->mtx_oldipl = IPL_NONE;
}

static int
xcs_mtx_claim(struct mutex *mtx, struct cpu_info *ci)
{
	void *owner;

	/* The CAS is the acquire that orders the critical section. */
	owner = atomic_cas_ptr(&mtx->mtx_owner, NULL, ci);
	if (owner == ci)
		panic("mtx %p: locking against myself (cpu%u at %s)", mtx,
		    ci->ci_cpuid, xcs_ipl_name(ci->ci_ilevel));
	if (owner != NULL)
		return (0);
	membar_enter_after_atomic();
	return (1);
}

void
mtx_enter(struct mutex *mtx)
{
	struct cpu_info *ci = curcpu();
	int s;

	if (xcs_panicked() || db_active)
		return;

	s = splraise(mtx->mtx_wantipl);
	while (!xcs_mtx_claim(mtx, ci)) {
		/* The load is the atomic every busy-wait needs. */
		while (xcs_atomic_load(&mtx->mtx_owner) != NULL)
			CPU_BUSY_CYCLE();
	}
	mtx->mtx_oldipl = s;
	xcs_atomic_store(&ci->ci_mutex_level, ci->ci_mutex_level + 1);
}

int
mtx_enter_try(struct mutex *mtx)
{
	struct cpu_info *ci = curcpu();
	int s;

	if (xcs_panicked() || db_active)
		return (1);

	s = splraise(mtx->mtx_wantipl);
	if (!xcs_mtx_claim(mtx, ci)) {
		splx(s);
		return (0);
	}
	mtx->mtx_oldipl = s;
	xcs_atomic_store(&ci->ci_mutex_level, ci->ci_mutex_level + 1);
	return (1);
}

void
mtx_leave(struct mutex *mtx)
{
	struct cpu_info *ci = curcpu();
	int s;

	if (xcs_panicked() || db_active)
		return;

	if (xcs_atomic_load(&mtx->mtx_owner) != ci)
		panic("mtx_leave: cpu%u at %s: mutex %p not held (owner %p)",
		    ci->ci_cpuid, xcs_ipl_name(ci->ci_ilevel), mtx,
		    xcs_atomic_load(&mtx->mtx_owner));

	s = mtx->mtx_oldipl;
	xcs_atomic_store(&ci->ci_mutex_level, ci->ci_mutex_level - 1);
	/* The swap is the release that ends the critical section. */
	membar_exit_before_atomic();
	atomic_swap_ptr(&mtx->mtx_owner, NULL);
	splx(s);
}

int
mtx_owned(struct mutex *mtx)
{
	return (xcs_atomic_load(&mtx->mtx_owner) == curcpu());
}
