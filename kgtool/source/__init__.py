"""Article revisions against the sentence graphs: align, diff, and realign the sources graph."""
