/*	xcallsim: sim/kern/kern_malloc.c, malloc(9) over the host's memory */

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
 * malloc(9) and free(9), as rump's are: the kernel's rules here, the
 * memory from the host (xcs_mem_alloc, a hypercall), which also frees
 * whatever the kernel still holds when the machine shuts down.
 *
 * The host's allocator is not async-signal-safe and the simulated
 * CPU's interrupt handlers run in a signal handler, so in interrupt
 * context an M_NOWAIT allocation fails, as M_NOWAIT allocations may,
 * and an M_WAITOK one panics, as it would in the kernel.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include "xcshyper.h"

static int
xcs_in_interrupt(struct cpu_info *ci)
{
	return (ci != NULL && ci->ci_idepth != 0);
}

void *
xcs_malloc(size_t size, int type, int flags)
{
	struct cpu_info *ci = xcs_curcpu_tls;
	void *p;

	KASSERT((flags & (M_WAITOK | M_NOWAIT)) != 0);
	if (xcs_in_interrupt(ci)) {
		if (flags & M_WAITOK)
			panic("malloc: cpu%u at %s: M_WAITOK in interrupt "
			    "context", ci->ci_cpuid,
			    xcs_ipl_name(ci->ci_ilevel));
		return (NULL);
	}
	if (flags & M_WAITOK)
		assertwaitok();
	p = xcs_mem_alloc(size, (flags & M_ZERO) != 0);
	if (p == NULL && (flags & (M_WAITOK | M_CANFAIL)) == M_WAITOK)
		panic("malloc: out of space in kmem_map");
	return (p);
}

/*
 * The kernel may free in interrupt context; the host cannot, from a
 * signal handler, and nothing in this kernel does: say so if it does.
 */
void
xcs_free(void *addr, int type, size_t size)
{
	struct cpu_info *ci = xcs_curcpu_tls;

	if (addr == NULL)
		return;
	if (xcs_in_interrupt(ci))
		panic("free: cpu%u at %s: %p freed in interrupt context, "
		    "which the simulator's host memory cannot serve",
		    ci->ci_cpuid, xcs_ipl_name(ci->ci_ilevel), addr);
	xcs_mem_free(addr);
}
