"""fromscratch components: one module per component, in curriculum order (see docs/)."""
