/*
 * A multi-threaded PHP host, as FrankenPHP runs worker scripts: one process, one thread-safe
 * (ZTS) PHP started once through the embed SAPI, and N threads that each run the same worker
 * script as their own request, at the same time. The extension and its INI come from the
 * php.ini that PHPRC names.
 *
 *   host THREADS worker.php [args...]
 *
 * Each thread's script sees $argv = [worker.php, THREAD_INDEX, args...]. The host exits with
 * 0 only if every thread's script exited with 0; it prints what each thread's script printed.
 * A thread whose script ends early ends early: the others go on (that is what the test shows
 * of the server's lifetime).
 */
#include <sapi/embed/php_embed.h>
#include <main/php_main.h>
#include <main/SAPI.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct worker {
	pthread_t thread;
	int index;
	int argc;
	char **argv;
	int status;
};

static void *run_worker(void *arg)
{
	struct worker *w = arg;
	char index[16];
	zend_file_handle script;

	/* This thread's own copy of PHP's globals (TSRM), then a request of its own. */
	(void) ts_resource(0);
	snprintf(index, sizeof(index), "%d", w->index);
	w->argv[1] = index;
	SG(options) |= SAPI_OPTION_NO_CHDIR;
	SG(request_info).argc = w->argc;
	SG(request_info).argv = w->argv;
	if (php_request_startup() == FAILURE) {
		fprintf(stderr, "host: thread %d: request startup failed\n", w->index);
		w->status = 70;
		sapi_deactivate();
		ts_free_thread();
		return NULL;
	}
	SG(headers_sent) = 1;
	SG(request_info).no_headers = 1;

	zend_stream_init_filename(&script, w->argv[0]);
	zend_first_try {
		php_execute_script(&script);
	} zend_end_try();
	w->status = EG(exit_status);
	zend_destroy_file_handle(&script);

	php_request_shutdown(NULL);
	ts_free_thread();
	return NULL;
}

int main(int argc, char **argv)
{
	int threads, i, failed = 0;
	struct worker *workers;

	if (argc < 3 || (threads = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: %s THREADS worker.php [args...]\n", argv[0]);
		return 64;
	}
	/* Module startup (MINIT: the extension loads) and a request on this thread, which stays
	 * open, idle, until the end (FrankenPHP keeps none there; the extension does nothing per
	 * request that this could change). */
	if (php_embed_init(argc, argv) == FAILURE) {
		fprintf(stderr, "host: PHP did not start\n");
		return 70;
	}

	workers = calloc(threads, sizeof(*workers));
	for (i = 0; i < threads; i++) {
		workers[i].index = i;
		/* [script, index, args..., NULL]: each thread its own array (argv[1] is its index). */
		workers[i].argc = argc - 1;
		workers[i].argv = calloc(argc, sizeof(char *));
		workers[i].argv[0] = argv[2];
		for (int a = 3; a < argc; a++) {
			workers[i].argv[a - 1] = argv[a];
		}
		if (pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]) != 0) {
			fprintf(stderr, "host: cannot start thread %d\n", i);
			threads = i; /* join those that run, then fail */
			failed = 71;
			break;
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(workers[i].thread, NULL);
		if (workers[i].status != 0) {
			fprintf(stderr, "host: thread %d exited with %d\n", i, workers[i].status);
			failed = failed ? failed : 1;
		}
		free(workers[i].argv);
	}
	free(workers);

	/* The main thread's request, then module shutdown (MSHUTDOWN: the server stops). */
	php_embed_shutdown();
	return failed;
}
