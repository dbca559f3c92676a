/*	xcallsim: tests/test_cli.c, bad command lines	*/

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
 * Every bad option of bench/xcall_latency and tests/xcall_torture: each
 * must exit with status 1 and a message on stderr that names what was
 * wrong, quickly, without booting a machine.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#define CLI_TIMEOUT_MS	30000
#define MAXARGS		8

struct bad_cli {
	const char	*bc_args[MAXARGS];	/* NULL-terminated */
	const char	*bc_want;		/* in its stderr */
};

static const struct bad_cli torture_cases[] = {
	{ { "-x" }, "usage: xcall_torture" },
	{ { "extra" }, "usage: xcall_torture" },
	{ { "-n", "1" }, "CPU count \"1\"" },
	{ { "-n", "257" }, "CPU count \"257\"" },
	{ { "-n", "eight" }, "CPU count \"eight\"" },
	{ { "-n", "-8" }, "CPU count \"-8\"" },
	{ { "-i", "0" }, "xcall count \"0\"" },
	{ { "-i", "99999999999999999999999" }, "xcall count" },
	{ { "-d", "0" }, "duration \"0\"" },
	{ { "-d", "1", "-i", "10" }, "-d and -i" },
	{ { "-H", "" }, "hang timeout \"\"" },
	{ { "-S", "x" }, "statistics interval \"x\"" },
	{ { "-s", "seed" }, "seed \"seed\"" },
	{ { "-w", "async" }, "want op=weight" },
	{ { "-w", "nosuch=1" }, "unknown op \"nosuch\"" },
	{ { "-w", "async=x" }, "weight \"x\"" },
	{ { "-w", "async=0,sync=0,bcast-refcnt=0,bcast-spin=0,self=0,"
	    "intr=0,raised=0,repost=0" }, "at least one op" },
	{ { "-d" }, "option requires an argument" },
};

static const struct bad_cli bench_cases[] = {
	{ { "-x" }, "usage: xcall_latency" },
	{ { "extra" }, "usage: xcall_latency" },
	{ { "-n", "1" }, "-n 1: must be 2 to 256" },
	{ { "-n", "257" }, "-n 257: must be 2 to 256" },
	{ { "-n", "2,,8" }, "-n : must be 2 to 256" },
	{ { "-n", "2,x" }, "-n x: must be 2 to 256" },
	{ { "-n", "2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2" }, "at most 16" },
	{ { "-i", "10" }, "-i 10: must be" },
	{ { "-i", "-5" }, "-i -5: must be" },
	{ { "-t", "1" }, "-t 1: must be" },
	{ { "-w", "lots" }, "-w lots: must be" },
	{ { "-j", "-c" }, "-c and -j" },
	{ { "-m", "nosuch" }, "-m nosuch: unknown mode" },
	{ { "-I", "sleep" }, "-I sleep: want halt, poll or both" },
	{ { "-P" }, "option requires an argument" },
	{ { "-P", "/nonexistent/dir/cdf.svg" }, "/nonexistent/dir/cdf.svg" },
};

/* Run path with the case's arguments; its stderr goes to errfile. */
static int
run_case(const char *path, const struct bad_cli *bc, const char *errfile)
{
	const char *argv[MAXARGS + 2];
	uint64_t deadline = tu_now_ms() + CLI_TIMEOUT_MS;
	pid_t pid;
	int fd, status, i;

	argv[0] = path;
	for (i = 0; i < MAXARGS && bc->bc_args[i] != NULL; i++)
		argv[i + 1] = bc->bc_args[i];
	argv[i + 1] = NULL;
	if ((pid = fork()) == 0) {
		fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd == -1 || dup2(fd, 2) == -1)
			_exit(127);
		fd = open("/dev/null", O_WRONLY);
		if (fd == -1 || dup2(fd, 1) == -1)
			_exit(127);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	assert_true(pid > 0);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (tu_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("%s %s: still running after %d ms", path,
			    bc->bc_args[0], CLI_TIMEOUT_MS);
		}
		usleep(10 * 1000);
	}
	return (status);
}

static void
check_cases(const char *path, const struct bad_cli *cases, size_t n)
{
	char errfile[] = "/tmp/xcs-cli-XXXXXX", msg[1024];
	size_t i, len;
	int fd, status;
	FILE *f;

	fd = mkstemp(errfile);
	assert_true(fd != -1);
	close(fd);
	for (i = 0; i < n; i++) {
		status = run_case(path, &cases[i], errfile);
		f = fopen(errfile, "r");
		assert_non_null(f);
		len = fread(msg, 1, sizeof(msg) - 1, f);
		msg[len] = '\0';
		fclose(f);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
			fail_msg("%s %s: status %#x, want exit 1; stderr: %s",
			    path, cases[i].bc_args[0], status, msg);
		if (strstr(msg, cases[i].bc_want) == NULL)
			fail_msg("%s %s: stderr \"%s\" lacks \"%s\"", path,
			    cases[i].bc_args[0], msg, cases[i].bc_want);
	}
	unlink(errfile);
}

static void
test_torture_bad_options(void **state)
{
	check_cases(XCS_TORTURE_PATH, torture_cases,
	    sizeof(torture_cases) / sizeof(torture_cases[0]));
}

static void
test_bench_bad_options(void **state)
{
	check_cases(XCS_BENCH_PATH, bench_cases,
	    sizeof(bench_cases) / sizeof(bench_cases[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_torture_bad_options),
		cmocka_unit_test(test_bench_bad_options),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
