"""Growth-pole assessment: criterion scores, verdict, roadmap stage and robustness per cluster.

- :func:`kg.assess.assessment.assess` scores every cluster of a store or endpoint under a model;
- :func:`kg.assess.model.load_model` reads and checks a model file (the shipped one by default);
- :func:`kg.assess.rdf.assessment_quads` writes assessments as RDF in their own named graph;
- :func:`kg.assess.stored.assess_built` gives a fresh build's assessment, to store beside it;
- :func:`kg.assess.formats.to_json` and :func:`kg.assess.formats.to_markdown` render them for people.
"""
