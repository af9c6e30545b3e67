"""labk8s: a faithful, deterministic Kubernetes cluster inside a Jupyter kernel."""
