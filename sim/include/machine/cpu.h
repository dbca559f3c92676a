/*	xcallsim: machine/cpu.h	*/

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
 * The simulated amd64 cpu_info.  Fields keep the kernel's names and
 * types (cpu.h 1.180); a simulated CPU is a host thread, curcpu() is a
 * thread-local pointer, and CPU_BUSY_CYCLE takes pending IPIs as a real
 * CPU takes interrupts inside a spin loop.
 */

#ifndef _MACHINE_CPU_H_
#define _MACHINE_CPU_H_

#include <sys/types.h>

#include <machine/intrdefs.h>

#include "xcshyper.h"

struct cpu_info;
struct proc;
struct xcs_cpu;

#include <sys/xcall.h>

struct cpu_info {
	struct cpu_info		*ci_self;	/* this structure */
	struct cpu_info		*ci_next;	/* CPU_INFO_FOREACH list */
	u_int			 ci_cpuid;
	struct proc		*ci_curproc;

	u_int64_t		 ci_ipending;	/* [a] pending sources */
	int			 ci_ilevel;	/* [o] current IPL */
	int			 ci_idepth;	/* [o] interrupt depth */
	int			 ci_handled_intr_level;
	u_int64_t		 ci_imask[NIPL];
	u_int64_t		 ci_iunmask[NIPL];
	int			 ci_mutex_level;

	volatile u_int		 ci_flags;
	u_int32_t		 ci_ipis;	/* [a] pending IPI vectors */

#ifdef MULTIPROCESSOR
	struct xcall_cpu	 ci_xcall;
#endif

	struct xcs_cpu		*ci_xcs;	/* the simulator's side */
} __attribute__((__aligned__(64)));

#define CPUF_PRIMARY		0x0008
#define CPUF_PRESENT		0x1000
#define CPUF_RUNNING		0x2000

/*
 * curcpu() is the calling thread's CPU.  A thread that is not a
 * simulated CPU has none, and asking for it is a bug in the caller, so
 * it stops with a message rather than returning NULL.
 */
static inline struct cpu_info *
curcpu(void)
{
	struct cpu_info *ci = xcs_curcpu_tls;

	if (__builtin_expect(ci == NULL, 0))
		xcs_not_a_cpu("curcpu");
	return (ci);
}

extern struct cpu_info *cpu_info_list;

#define cpu_number()		(curcpu()->ci_cpuid)
#define CPU_INFO_ITERATOR	int
#define CPU_INFO_FOREACH(cii, ci)					\
	for (cii = 0, ci = cpu_info_list; ci != NULL; ci = ci->ci_next, cii++)
#define CPU_INFO_UNIT(ci)	((ci)->ci_cpuid)

#ifdef MULTIPROCESSOR
#define MAXCPUS			256
#define CPU_IS_PRIMARY(ci)	((ci)->ci_flags & CPUF_PRIMARY)
#define CPU_IS_RUNNING(ci)	((ci)->ci_flags & CPUF_RUNNING)
#else
#define MAXCPUS			1
#define CPU_IS_PRIMARY(ci)	1
#define CPU_IS_RUNNING(ci)	1
#endif

/*
 * pause, and take any IPI that is pending and that the current IPL
 * allows: spinning is where a real CPU notices interrupts, and the
 * simulation must not depend on when the host delivers a signal.
 */
#define CPU_BUSY_CYCLE()	xcs_cpu_busy_cycle()

#endif /* _MACHINE_CPU_H_ */
