from pipelines import _native

# pipelines.resolve: the mypyc build of the source beside it when there is one, else the source (pipelines/_native.py).
_native.install()
