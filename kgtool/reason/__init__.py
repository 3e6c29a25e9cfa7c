"""OWL 2 RL and RDFS reasoning: owlrl, the fast rule engine, and the closure cache."""
