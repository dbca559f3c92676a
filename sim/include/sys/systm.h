/*	xcallsim: sys/systm.h	*/

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
 * The parts of sys/systm.h (1.177) and libkern.h the xcall code and its
 * callers use.  The simulated kernel is a DIAGNOSTIC kernel: KASSERT is
 * checked and a failure panics.
 */

#ifndef _SYS_SYSTM_H_
#define _SYS_SYSTM_H_

#include <sys/param.h>

#include <machine/cpu.h>

struct cond;

extern const char *panicstr;
extern int db_active;
extern long __mp_lock_spinout;

__attribute__((__noreturn__, __format__(__printf__, 1, 2)))
void	panic(const char *, ...);
int	printf(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
int	vsnprintf(char *, size_t, const char *, __builtin_va_list)
	    __attribute__((__format__(__printf__, 3, 0)));
int	db_printf(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	db_enter(void);

__attribute__((__noreturn__))
void	__assert(const char *, const char *, int, const char *);

#define KASSERT(e)	((e) ? (void)0 :				\
	__assert("diagnostic ", __FILE__, __LINE__, #e))
#define KASSERTMSG(e, msg, ...)	((e) ? (void)0 :			\
	panic("kernel %sassertion \"%s\" failed: file \"%s\", line %d"	\
	    " " msg, "diagnostic ", #e, __FILE__, __LINE__, ##__VA_ARGS__))
#define KDASSERT(e)	KASSERT(e)
/* A compile-time assertion, as the kernel's. */
#define CTASSERT(x)	_Static_assert((x), "CTASSERT(" #x ")")

#define curproc		(curcpu()->ci_curproc)

void	assertwaitok(void);

#define INFSLP		UINT64_MAX

void	sleep_setup(const volatile void *, int, const char *);
int	sleep_finish(uint64_t, int);
void	wakeup_n(const volatile void *, int);
void	wakeup(const volatile void *);
#define wakeup_one(c)	wakeup_n((c), 1)

void	cond_init(struct cond *);
void	cond_wait(struct cond *, const char *);
void	cond_signal_handler(void *);

static inline void
cond_signal(struct cond *c)
{
	cond_signal_handler(c);
}

#endif /* _SYS_SYSTM_H_ */
