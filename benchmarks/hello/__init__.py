"""A Django hello-world project: the yardstick the portal's pages are compared with."""
