"""The build pipeline: data -> train x2 -> merge -> bench -> consistency -> report, cached by stage."""
