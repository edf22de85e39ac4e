"""A whole split deployment on one machine: the processes Kubernetes would run, for dev and e2e."""
