/*	xcallsim: tests/testutil.h	*/

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
 * Helpers for the cmocka tests.  Assertions happen only on the test's
 * own thread, which is cpu0: simulated CPUs record what they saw and
 * the test checks after joining them.
 */

#ifndef _TESTUTIL_H_
#define _TESTUTIL_H_

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "xcallsim.h"

/* Generous bound for any wait on a condition. */
#define TU_TIMEOUT_MS	60000

/* Run only the tests matching $XCS_TEST_FILTER (a cmocka glob). */
void	tu_filter(void);

/* Every test: whatever happened, the machine is shut down after it. */
int	tu_teardown(void **);
#define TU_TEST(f)	cmocka_unit_test_teardown(f, tu_teardown)

/* Boot a machine with n CPUs, or with a full configuration. */
void	tu_boot(unsigned int, enum xcs_idle);
void	tu_boot_config(const struct xcs_config *);

/*
 * The end of every test that did not panic: wait until the machine is
 * quiet, assert that every CPU is at IPL_NONE with empty slots, and
 * shut it down.
 */
void	tu_shutdown(void);

/* After an intercepted panic: shut down without the quiet check. */
void	tu_shutdown_panicked(void);

/*
 * Wait on the calling CPU, taking its IPIs, until cond(arg) holds or
 * TU_TIMEOUT_MS passes; returns whether it holds.
 */
int	tu_wait(int (*)(void *), void *);

/* Wait until the unsigned int at p is at least v. */
int	tu_wait_uint(const unsigned int *, unsigned int);

/* Start fn(arg) on CPUs first..last, then join them all. */
void	tu_run_on(unsigned int, unsigned int, void (*)(void *), void *,
	    size_t);

/*
 * Run fn(arg) on CPU n expecting a panic whose message contains want;
 * returns the message.
 */
const char *tu_expect_panic(unsigned int, void (*)(void *), void *,
	    const char *);

/*
 * Run fn(arg) in a child process and expect it to die with a message on
 * stderr that contains want.
 */
void	tu_expect_death(void (*)(void *), void *, const char *);

#endif /* _TESTUTIL_H_ */
