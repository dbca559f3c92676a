/*	xcallsim: sys/proc.h	*/

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
 * The parts of sys/proc.h used here: struct cond (proc.h 1.397) and a
 * struct proc holding the sleep state sleep_setup(9) manipulates.  Each
 * simulated CPU runs one kernel thread at a time, its curproc.
 */

#ifndef _SYS_PROC_H_
#define _SYS_PROC_H_

#include <sys/param.h>

struct cond {
	unsigned int	c_wait;		/* [a] initialized and waiting */
};

#define COND_INITIALIZER()		{ .c_wait = 1 }

#define SIDL	1		/* process being created */
#define SRUN	2		/* runnable */
#define SSLEEP	3		/* sleeping on an address */
#define SSTOP	4		/* stopped */
#define SZOMB	5		/* exited */
#define SDEAD	6		/* thread is almost gone */
#define SONPROC	7		/* thread is currently on a CPU */

#define P_CANTSLEEP	0x00000010	/* must not sleep */
#define P_INSCHED	0x00000020	/* sleep_setup() to sleep_finish() */

struct proc {
	const volatile void	*p_wchan;	/* [a] sleep address */
	const char		*p_wmesg;	/* reason for sleep */
	unsigned int		 p_stat;	/* [a] S* process status */
	int			 p_flag;	/* P_* flags */
	int			 p_tid;		/* thread id (the CPU's) */
	struct cpu_info		*p_cpu;		/* CPU this thread runs on */
};

#endif /* _SYS_PROC_H_ */
