/*	xcallsim: sim/kern/subr_prf.c, panic(9) and the console	*/

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
 * panic(9), __assert and the ddb entry points the kernel code expects,
 * as subr_prf.c has them: the first panic owns the message buffer and
 * publishes panicstr; a panic during the panic only reports.  The
 * console is the host's standard error (xcs_console_vprintf); what a
 * panic does to the rest of the machine, the state dump and stopping
 * the other CPUs, is the host's (xcs_panic_host).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/stdarg.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include "xcshyper.h"

const char *panicstr;
int db_active;
long __mp_lock_spinout = 0x7fffffffL;

static char panicbuf[1024];
static unsigned int panicking;	/* [a] a panic owns panicbuf */

/* A new machine: nobody has panicked. */
void
xcs_panic_reset(void)
{
	xcs_atomic_store(&panicstr, NULL);
	xcs_atomic_store(&panicking, 0);
}

static void
xcs_console(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)xcs_console_vprintf(fmt, ap);
	va_end(ap);
}

void
panic(const char *fmt, ...)
{
	struct cpu_info *ci = xcs_curcpu_tls;
	va_list ap;

	/*
	 * The first panic owns the buffer; a later one only reports.  The
	 * message is complete before the store publishes panicstr.
	 */
	if (xcs_atomic_cas(&panicking, 0, 1) == 0) {
		va_start(ap, fmt);
		vsnprintf(panicbuf, sizeof(panicbuf), fmt, ap);
		va_end(ap);
		xcs_atomic_store(&panicstr, panicbuf);
		xcs_console("panic: %s\n", panicbuf);
		if (ci != NULL)
			xcs_console("Stopped at cpu%u, %s\n", ci->ci_cpuid,
			    xcs_ipl_name(xcs_atomic_load(&ci->ci_ilevel)));
		xcs_panic_host(ci, panicbuf);
	} else {
		xcs_console("panic on cpu%d during panic: ",
		    ci != NULL ? (int)ci->ci_cpuid : -1);
		va_start(ap, fmt);
		(void)xcs_console_vprintf(fmt, ap);
		va_end(ap);
		xcs_console("\n");
	}
	xcs_panic_halt(ci);
}

void
__assert(const char *t, const char *f, int l, const char *e)
{
	panic("kernel %sassertion \"%s\" failed: file \"%s\", line %d",
	    t, e, f, l);
}

/*
 * A trap the kernel does not handle, as the host describes it (the
 * fault, the address, where): panic with it and with where the CPU was,
 * as trap() does.
 */
void
xcs_kern_trap(struct cpu_info *ci, const char *what)
{
	struct xcs_cpu_view cv;

	/* The trap was taken on ci's CPU: the view is of its own words. */
	xcs_md_cpu_view(ci, &cv);
	panic("kernel: %s, cpu%u at %s, idepth %d", what, ci->ci_cpuid,
	    xcs_ipl_name(cv.cv_ilevel), cv.cv_idepth);
}

int
db_printf(const char *fmt, ...)
{
	va_list ap;
	int rv;

	va_start(ap, fmt);
	rv = xcs_console_vprintf(fmt, ap);
	va_end(ap);
	return (rv);
}

/* There is no debugger to enter: show the machine and carry on. */
void
db_enter(void)
{
	xcs_dump_cpus();
}
