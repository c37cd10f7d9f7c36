"""gunicorn config hook: fold a dead worker's metric files at once (the next scrape would too)."""


def child_exit(server, worker):
    from verenigingen.verenigingen_payments.observability import mark_process_dead

    mark_process_dead(worker.pid)
