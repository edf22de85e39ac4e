"""Composition root: settings, embedded servers, app factory, module registry, CLI."""
