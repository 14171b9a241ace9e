"""The Convention as code, as officers and API clients of the node see it: translated."""
