"""pytest plugin of autograd_compat (filled in by the testing-toolkit work).

Loaded in every pytest run of an environment where the package is installed, so it must import
neither torch nor mxnet.
"""
