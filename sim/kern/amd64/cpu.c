/*	xcallsim: sim/kern/amd64/cpu.c, the CPUs as the kernel knows them */

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
 * The CPUs, as cpu_attach and cpu_info_list give them to the kernel.
 * The host allocates the cpu_info array and hands it over at boot
 * (xcs_md_cpus, an upcall); the kernel links it into cpu_info_list,
 * numbers the CPUs, marks cpu0 primary and sets each CPU's interrupt
 * state.  A kernel call given a pointer that is no booted CPU's
 * cpu_info panics here, in the kernel, not later in the host.
 */

#include <sys/param.h>
#include <sys/systm.h>

#include <machine/atomic.h>
#include <machine/cpu.h>
#include <machine/intr.h>

#include "xcshyper.h"
#include "md.h"

struct cpu_info *cpu_info_list;
static struct cpu_info *xcs_cpus;	/* the array, xcs_ncpus long */
static u_int xcs_ncpus;

int
xcs_kern_version(void)
{
	return (XCSHYPER_VERSION);
}

CTASSERT(MAXCPUS <= XCSHYPER_MAXCPUS);

u_int
xcs_kern_maxcpus(void)
{
	return (MAXCPUS);
}

void
xcs_md_cpu_view(struct cpu_info *ci, struct xcs_cpu_view *cv)
{
	/* Acquire loads of words ci's CPU writes; no order between them. */
	cv->cv_ilevel = xcs_atomic_load(&ci->ci_ilevel);
	cv->cv_idepth = xcs_atomic_load(&ci->ci_idepth);
}

void *
xcs_md_slot(struct cpu_info *ci, u_int i)
{
#ifdef MULTIPROCESSOR
	/* Whole, not ordered: a snapshot, as the observers want it. */
	if (i < nitems(ci->ci_xcall.xci_xcalls))
		return (xcs_atomic_load(&ci->ci_xcall.xci_xcalls[i]));
#endif
	return (NULL);
}

void
xcs_md_cpus(struct cpu_info *cpus, u_int ncpus)
{
	struct cpu_info *ci;
	u_int n;

	for (n = 0; n < ncpus; n++) {
		ci = &cpus[n];
		ci->ci_self = ci;
		ci->ci_next = n + 1 < ncpus ? ci + 1 : NULL;
		ci->ci_cpuid = n;
		ci->ci_flags = CPUF_PRESENT | CPUF_RUNNING;
		if (n == 0)
			ci->ci_flags |= CPUF_PRIMARY;
		xcs_md_cpu_attach(ci);
	}
	xcs_cpus = cpus;
	xcs_ncpus = ncpus;
	cpu_info_list = ncpus != 0 ? cpus : NULL;
}

/* Kernel calls given something that is not a booted CPU panic. */
void
xcs_check_cpu(const struct cpu_info *ci, const char *func)
{
	struct cpu_info *self = curcpu();
	size_t off;

	off = (size_t)((const char *)ci - (const char *)xcs_cpus);
	if ((const char *)ci >= (const char *)xcs_cpus &&
	    off % sizeof(*ci) == 0 && off / sizeof(*ci) < xcs_ncpus)
		return;
	panic("%s: cpu%u at %s: %p is not the cpu_info of a booted CPU",
	    func, self->ci_cpuid, xcs_ipl_name(self->ci_ilevel), ci);
}
