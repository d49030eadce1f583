"""One module per målvärde family; each defines its rules on a built model."""
