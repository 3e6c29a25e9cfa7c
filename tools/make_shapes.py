"""One-off authoring aid: writes the first version of ontology/shapes.ttl from a compact table.

After the first run, ontology/shapes.ttl is the hand-edited source; this script is kept only as a
record of how the regular part of it was laid out. Do not re-run it over hand edits.
"""

from __future__ import annotations

DATES = "DATES"
IRI_WD = r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$"

# (class, comment, [property specs]); a spec is (path, name, constraints dict, severity, message)
V, W, I = "sh:Violation", "sh:Warning", "sh:Info"


def p(path, name, sev=V, msg=None, **c):
    return (path, name, c, sev, msg)


ENTITY = [
    p("rdfs:label", "label", min=1, max=1, dt="rdf:langString", lang=True,
      msg="Every entity needs exactly one English rdfs:label."),
    p("skos:altLabel", "alternative label", dt="rdf:langString", lang=True,
      msg="Alternative labels are English language-tagged strings."),
    p("owl:sameAs", "Wikidata item", max=1, kind="sh:IRI", pattern=IRI_WD,
      msg="owl:sameAs must point to one Wikidata item IRI (http://www.wikidata.org/entity/Q...)."),
]

SHAPES = [
    ("Agent", "Anything that acts: common checks for people and organisations.", ENTITY + [
        p("kg:description", "description", dt="rdf:langString", msg="A description is a language-tagged string."),
        p("kg:award", "award", cls="kg:Award", msg="kg:award must point to a kg:Award."),
        p("kg:nominatedFor", "nominated for", cls="kg:Award", msg="kg:nominatedFor must point to a kg:Award."),
        p("kg:funder", "funder", cls="kg:Agent", msg="A funder must be a person or an organisation."),
        p("kg:participantIn", "participant in", cls="kg:Collaboration", msg="kg:participantIn must point to a kg:Collaboration."),
        p("kg:activity", "activity", dt="rdf:langString", msg="An activity is a language-tagged string."),
        p("kg:quotation", "quotation", dt="rdf:langString", msg="A quotation is a language-tagged string."),
    ]),
    ("Person", "A person: founders, staff, critics.", [
        p("kg:jobTitle", "job title", dt="xsd:string", max=1, msg="A person has at most one job title, a plain string."),
        p("kg:memberOf", "member of", cls="kg:Organization", msg="kg:memberOf must point to a kg:Organization."),
        p("kg:affiliation", "affiliation", cls="kg:Organization", msg="kg:affiliation must point to a kg:Organization."),
        p("kg:criticOf", "critic of", cls="kg:Organization", msg="kg:criticOf must point to a kg:Organization."),
        p("kg:founderOf", "founder of", cls="kg:Organization", msg="kg:founderOf must point to a kg:Organization."),
    ]),
    ("Organization", "An organisation of any kind.", [
        p("kg:founder", "founder", cls="kg:Person", msg="A founder must be a kg:Person."),
        p("kg:foundingDate", "founding date", dt=DATES, max=1,
          msg="An organisation has at most one founding date, typed xsd:date, xsd:gYearMonth or xsd:gYear."),
        p("kg:researchFocus", "research focus", cls="kg:ResearchTopic", msg="A research focus must be a kg:ResearchTopic."),
        p("kg:openSourceCounterpartOf", "open-source counterpart of", cls="kg:Organization",
          msg="kg:openSourceCounterpartOf must point to a kg:Organization."),
        p("kg:originatedOn", "originated on", cls="kg:OnlinePlatform", msg="kg:originatedOn must point to a kg:OnlinePlatform."),
        p("kg:namedAfter", "named after", cls="kg:Word", max=1, msg="kg:namedAfter must point to one kg:Word."),
        p("kg:tentativeName", "tentative name", dt="xsd:string", msg="A tentative name is a plain string."),
        p("kg:legalForm", "legal form", dt="rdf:langString", msg="A legal form is a language-tagged string."),
        p("kg:selfDescription", "self-description", dt="rdf:langString", msg="A self-description is a language-tagged string."),
        p("kg:member", "member", cls="kg:Person", msg="kg:member must point to a kg:Person."),
    ]),
    ("ResearchGroup", "A research group; EleutherAI before and after incorporation.", [
        p("kg:foundingDate", "founding date (research group)", sev=I, min=1,
          msg="This research group has no founding date yet."),
    ]),
    ("ResearchInstitute", "A formally incorporated research organisation.", [
        p("kg:legalForm", "legal form (institute)", dt="rdf:langString", msg="A legal form is a language-tagged string."),
    ]),
    ("ResearchLab", "A research lab of a company.", [
        p("kg:developed", "developed (lab)", cls="kg:Work", msg="kg:developed must point to a kg:Work."),
    ]),
    ("Company", "A commercial company.", [
        p("owl:sameAs", "Wikidata item (company)", kind="sh:IRI", pattern=IRI_WD, msg="A company links to Wikidata items only (http://www.wikidata.org/entity/Q...)."),
    ]),
    ("University", "A university.", [
        p("owl:sameAs", "Wikidata item (university)", kind="sh:IRI", pattern=IRI_WD, msg="A university links to Wikidata items only (http://www.wikidata.org/entity/Q...)."),
    ]),
    ("NewsOutlet", "A news outlet.", [
        p("owl:sameAs", "Wikidata item (news outlet)", kind="sh:IRI", pattern=IRI_WD, msg="A news outlet links to Wikidata items only (http://www.wikidata.org/entity/Q...)."),
    ]),
    ("Foundation", "A foundation.", [
        p("owl:sameAs", "Wikidata item (foundation)", kind="sh:IRI", pattern=IRI_WD, msg="A foundation links to Wikidata items only (http://www.wikidata.org/entity/Q...)."),
    ]),
    ("IntergovernmentalOrganization", "An intergovernmental organisation.", [
        p("owl:sameAs", "Wikidata item (intergovernmental organization)", kind="sh:IRI", pattern=IRI_WD, msg="A intergovernmental organization links to Wikidata items only (http://www.wikidata.org/entity/Q...)."),
    ]),
    ("Work", "Anything made: models, suites, series, datasets, techniques, publications, licences, platforms.", ENTITY + [
        p("kg:developer", "developer", cls="kg:Agent", msg="A developer must be a person or an organisation."),
        p("kg:releaseDate", "release date", dt=DATES, max=1,
          msg="A work has at most one release date, typed xsd:date, xsd:gYearMonth or xsd:gYear."),
        p("kg:license", "licence", cls="kg:License", msg="kg:license must point to a kg:License."),
        p("kg:partOf", "part of", cls="kg:Work", msg="kg:partOf must point to a kg:Work."),
        p("kg:hasPart", "has part", cls="kg:Work", msg="kg:hasPart must point to a kg:Work."),
        p("kg:basedOn", "based on", cls="kg:Work", msg="kg:basedOn must point to a kg:Work."),
        p("kg:replicationOf", "replication of", cls="kg:Work", msg="kg:replicationOf must point to a kg:Work."),
        p("kg:inspiredBy", "inspired by", cls="kg:Work", msg="kg:inspiredBy must point to a kg:Work."),
        p("kg:computeProvidedBy", "compute provided by", cls="kg:Agent", msg="kg:computeProvidedBy must point to an agent."),
        p("kg:motivatedFoundingOf", "motivated founding of", cls="kg:Organization",
          msg="kg:motivatedFoundingOf must point to a kg:Organization."),
        p("kg:enablesResearchOn", "enables research on", cls="kg:ResearchTopic",
          msg="kg:enablesResearchOn must point to a kg:ResearchTopic."),
        p("kg:parameterCount", "parameter count", dt="xsd:integer", max=1, minInclusive=1,
          msg="A parameter count is one positive xsd:integer."),
        p("kg:checkpointCount", "checkpoint count", dt="xsd:integer", max=1, minInclusive=1,
          msg="A checkpoint count is one positive xsd:integer."),
        p("kg:distinction", "distinction", dt="rdf:langString", msg="A distinction is a language-tagged string."),
        p("kg:description", "description", dt="rdf:langString", msg="A description is a language-tagged string."),
        p("kg:purpose", "purpose", dt="rdf:langString", msg="A purpose is a language-tagged string."),
        p("kg:publiclyReleased", "publicly released", dt="xsd:boolean", max=1, msg="kg:publiclyReleased is one xsd:boolean."),
        p("kg:quotation", "quotation", dt="rdf:langString", msg="A quotation is a language-tagged string."),
    ]),
    ("Model", "A trained model.", [
        p("kg:trainedOn", "trained on", cls="kg:Dataset", msg="kg:trainedOn must point to a kg:Dataset."),
    ]),
    ("LanguageModel", "A language model.", [
        p("kg:developer", "developer (language model)", cls="kg:Agent", msg="A language model's developer is an agent."),
    ]),
    ("TextToImageModel", "A text-to-image model.", [
        p("kg:basedOn", "based on (text-to-image model)", cls="kg:Model", msg="A text-to-image model is based on models."),
    ]),
    ("ModelSuite", "A set of models released together.", [
        p("kg:developer", "developer (suite)", sev=W, min=1, msg="This model suite has no developer."),
    ]),
    ("ModelSeries", "A series of models released over time.", [
        p("kg:hasPart", "has part (series)", min=1, msg="A model series has at least one part."),
    ]),
    ("Dataset", "A dataset.", [
        p("kg:size", "size", cls="schema:QuantitativeValue", max=1, msg="A dataset has at most one size, a schema:QuantitativeValue."),
        p("kg:containsDataFrom", "contains data from", cls="kg:OnlinePlatform",
          msg="kg:containsDataFrom must point to a kg:OnlinePlatform."),
    ]),
    ("Technique", "A technique.", [
        p("kg:developer", "developer (technique)", sev=W, min=1, msg="This technique has no developer."),
    ]),
    ("Publication", "A publication.", [
        p("kg:mentions", "mentions", min=1, kind="sh:IRI", msg="A publication is recorded for what it mentions; give at least one."),
        p("kg:author", "author", cls="kg:Agent", msg="An author must be an agent."),
    ]),
    ("License", "A licence.", [
        p("owl:sameAs", "Wikidata item (licence)", kind="sh:IRI", pattern=IRI_WD, msg="A licence links to Wikidata items only (http://www.wikidata.org/entity/Q...)."),
    ]),
    ("OnlinePlatform", "An online platform.", [
        p("owl:sameAs", "Wikidata item (platform)", kind="sh:IRI", pattern=IRI_WD, msg="A platform links to Wikidata items only (http://www.wikidata.org/entity/Q...)."),
    ]),
    ("Program", "A programme run by an organisation.", ENTITY + [
        p("kg:operatedBy", "operated by", cls="kg:Organization", min=1, max=1, msg="A programme is operated by exactly one organisation."),
    ]),
    ("ResearchTopic", "A research topic.", ENTITY),
    ("Word", "A word a name comes from.", ENTITY + [
        p("kg:meaning", "meaning", dt="rdf:langString", min=1, msg="A word needs its meaning, a language-tagged string."),
        p("kg:language", "language", dt="xsd:string", min=1, max=1, pattern="^[a-z]{2,3}(-[A-Za-z0-9]+)*$",
          msg="A word's language is one BCP 47 tag such as 'el'."),
    ]),
    ("Award", "An award.", ENTITY + [
        p("kg:presentedBy", "presented by", cls="kg:Agent", min=1, msg="An award is presented by at least one agent."),
    ]),
    ("Event", "Anything that happened.", ENTITY + [
        p("kg:date", "date", dt=DATES, max=1, msg="An event has at most one date, typed xsd:date, xsd:gYearMonth or xsd:gYear."),
        p("kg:dateText", "date as stated", dt="xsd:string", max=1, msg="An event has at most one date in the article's words."),
        p("kg:agent", "agent", cls="kg:Agent", msg="An event's agent must be a person or an organisation."),
        p("kg:subject", "subject", kind="sh:IRI", msg="An event's subject is an entity, not a literal."),
        p("kg:location", "location", kind="sh:IRI", msg="An event's location is an entity, not a literal."),
        p("kg:description", "description", dt="rdf:langString", msg="A description is a language-tagged string."),
        p("kg:purpose", "purpose", dt="rdf:langString", msg="A purpose is a language-tagged string."),
        p("kg:legalForm", "legal form", dt="rdf:langString", msg="A legal form is a language-tagged string."),
    ]),
    ("Founding", "The founding of an organisation.", [
        p("kg:subject", "founded organisation", cls="kg:Organization", min=1, max=1, msg="A founding founds exactly one organisation."),
        p("kg:agent", "founders", cls="kg:Person", min=1, msg="A founding has at least one founder (a kg:Person)."),
    ]),
    ("Renaming", "A renaming.", [
        p("kg:oldName", "old name", dt="xsd:string", min=1, max=1, msg="A renaming has exactly one old name."),
        p("kg:newName", "new name", dt="xsd:string", min=1, max=1, msg="A renaming has exactly one new name."),
    ]),
    ("Release", "A release of works.", [
        p("kg:subject", "released work", cls="kg:Work", min=1, msg="A release releases at least one kg:Work."),
    ]),
    ("Incorporation", "An incorporation.", [
        p("kg:subject", "incorporated organisation", cls="kg:Organization", min=1, max=1,
          msg="An incorporation concerns exactly one organisation."),
    ]),
    ("Investigation", "An investigation.", [
        p("kg:agent", "investigator", min=1, msg="An investigation has an investigator."),
        p("kg:subject", "investigated", min=1, msg="An investigation has a subject."),
        p("kg:finding", "finding", dt="rdf:langString", min=1, msg="An investigation records its finding, a language-tagged string."),
        p("kg:videoCountAtLeast", "video count at least", dt="xsd:integer", max=1, minInclusive=0, msg="A count is one xsd:integer."),
        p("kg:channelCountAtLeast", "channel count at least", dt="xsd:integer", max=1, minInclusive=0, msg="A count is one xsd:integer."),
    ]),
    ("Collaboration", "A collaboration.", [
        p("kg:participant", "participant", cls="kg:Agent", min=1, msg="A collaboration has at least one participant (an agent)."),
        p("kg:ledBy", "led by", cls="kg:Agent", msg="kg:ledBy must point to an agent."),
        p("kg:produced", "produced", cls="kg:Work", msg="kg:produced must point to a kg:Work."),
        p("kg:activity", "activity", dt="rdf:langString", msg="An activity is a language-tagged string."),
    ]),
    ("Workshop", "A research workshop.", [
        p("kg:date", "date (workshop)", sev=W, min=1, msg="This workshop has no date."),
    ]),
    ("AwardReceipt", "An award won.", [
        p("kg:forAward", "award won", cls="kg:Award", min=1, max=1, msg="An award receipt names exactly one kg:Award."),
        p("kg:recipient", "winner", cls="kg:Agent", min=1, max=1, msg="An award receipt names exactly one winner."),
        p("kg:date", "year won", dt="xsd:gYear", min=1, msg="An award receipt has its year (xsd:gYear)."),
        p("kg:citation", "citation", dt="rdf:langString", msg="A citation is a language-tagged string."),
    ]),
    ("AwardNomination", "An award nomination.", [
        p("kg:forAward", "award nominated for", cls="kg:Award", min=1, max=1, msg="A nomination names exactly one kg:Award."),
        p("kg:recipient", "nominee", cls="kg:Agent", min=1, max=1, msg="A nomination names exactly one nominee."),
        p("kg:date", "year nominated", dt="xsd:gYear", min=1, msg="A nomination has its year (xsd:gYear)."),
        p("kg:citation", "citation", dt="rdf:langString", msg="A citation is a language-tagged string."),
    ]),
    ("Support", "Funding or compute support.", [
        p("kg:supporter", "supporter", cls="kg:Agent", min=1, max=1, msg="Support comes from exactly one supporter (an agent)."),
        p("kg:recipient", "recipient", cls="kg:Agent", min=1, max=1, msg="Support goes to exactly one recipient (an agent)."),
        p("kg:supportForm", "form of support", dt="rdf:langString", min=1, msg="Say what form the support took (a language-tagged string)."),
    ]),
    ("Funding", "Funding accepted.", [
        p("kg:dateText", "date as stated (funding)", sev=I, min=1, msg="This funding has no date in the article's words."),
    ]),
    ("ComputeGrant", "Compute given through a programme.", [
        p("kg:viaProgram", "via programme", cls="kg:Program", min=1, max=1, msg="A compute grant names the programme it came through."),
    ]),
    ("Role", "A role held in an organisation.", ENTITY + [
        p("kg:roleHolder", "role holder", cls="kg:Person", min=1, max=1, msg="A role has exactly one holder (a kg:Person)."),
        p("kg:roleIn", "role in", cls="kg:Organization", min=1, max=1, msg="A role is held in exactly one organisation."),
        p("kg:roleName", "role name", dt="xsd:string", min=1, max=1, msg="A role has exactly one name, a plain string."),
        p("kg:startDate", "start date", dt=DATES, max=1, msg="A role has at most one start date (xsd:date, xsd:gYearMonth or xsd:gYear)."),
        p("kg:endDate", "end date", dt=DATES, max=1, msg="A role has at most one end date (xsd:date, xsd:gYearMonth or xsd:gYear)."),
        p("kg:heldIn", "held in", dt=DATES, msg="kg:heldIn is typed xsd:date, xsd:gYearMonth or xsd:gYear."),
        p("kg:dateText", "date as stated", dt="xsd:string", max=1, msg="A role has at most one date in the article's words."),
    ]),
    ("Reception", "Praise or criticism.", ENTITY + [
        p("kg:by", "by", cls="kg:Agent", max=1, msg="A judgement is by at most one agent."),
        p("kg:about", "about", min=1, kind="sh:IRI", msg="A judgement is about at least one entity."),
        p("kg:gist", "gist", dt="rdf:langString", min=1, max=1, msg="A judgement has exactly one gist, a language-tagged string."),
        p("kg:quotation", "quotation", dt="rdf:langString", msg="A quotation is a language-tagged string."),
        p("kg:byDescription", "by (description)", dt="rdf:langString", max=1, msg="kg:byDescription is one language-tagged string."),
    ]),
    ("Praise", "A favourable judgement.", [
        p("kg:about", "about (praise)", kind="sh:IRI", min=1, msg="Praise must be about something."),
    ]),
    ("Criticism", "An unfavourable judgement.", [
        p("kg:gist", "gist (criticism)", min=1, msg="A criticism needs its gist."),
    ]),
    ("SourceArticle", "The source article.", [
        p("kg:pageId", "page id", dt="xsd:integer", min=1, max=1, msg="The source article has exactly one page id (xsd:integer)."),
        p("dcterms:license", "licence (article)", min=1, kind="sh:IRI", msg="The source article needs its licence IRI."),
    ]),
    ("SourceSentence", "A sentence of the source article.", [
        p("kg:quote", "quote", dt="rdf:langString", min=1, max=1, msg="A source sentence has exactly one quote, a language-tagged string."),
        p("kg:section", "section", dt="xsd:string", min=1, max=1, msg="A source sentence has exactly one section."),
        p("kg:position", "position", dt="xsd:integer", min=1, max=1, minInclusive=1, msg="A source sentence has exactly one position, counting from 1."),
        p("kg:referenceNumber", "reference number", dt="xsd:integer", minInclusive=1, msg="Reference numbers are positive xsd:integers."),
        p("kg:citationNeeded", "citation needed", dt="xsd:boolean", max=1, msg="kg:citationNeeded is one xsd:boolean."),
        p("kg:inArticle", "in article", cls="kg:SourceArticle", min=1, max=1, msg="A source sentence belongs to exactly one kg:SourceArticle."),
    ]),
    ("Claim", "One sentence's value for a property.", [
        p("kg:claimSubject", "claim subject", min=1, max=1, kind="sh:IRI", msg="A claim is about exactly one entity."),
        p("kg:claimProperty", "claim property", min=1, max=1, kind="sh:IRI", msg="A claim names exactly one property."),
        p("kg:claimValue", "claim value", min=1, max=1, msg="A claim gives exactly one value."),
        p("kg:valueAsStated", "value as stated", dt="xsd:string", min=1, max=1, msg="A claim gives its value in the sentence's words."),
        p("kg:statedIn", "stated in", cls="kg:SourceSentence", min=1, msg="A claim points to the source sentence that makes it."),
    ]),
    ("Contradiction", "Competing claims.", [
        p("kg:hasClaim", "claims", cls="kg:Claim", min=2, msg="A contradiction has at least two claims."),
        p("kg:preferredClaim", "preferred claim", cls="kg:Claim", min=1, max=1, msg="A contradiction names exactly one preferred claim."),
        p("kg:rationale", "rationale", dt="rdf:langString", min=1, msg="A contradiction says why the preferred claim is preferred."),
    ]),
    ("EditorialNote", "An editorial note.", [
        p("kg:noteAbout", "note about", min=1, kind="sh:IRI", msg="An editorial note is about an entity."),
        p("kg:noteProperty", "note property", max=1, kind="sh:IRI", msg="An editorial note names at most one property."),
        p("kg:noteText", "note text", dt="rdf:langString", min=1, msg="An editorial note needs its text."),
    ]),
    ("QuantitativeValue", "A quantity with its unit (schema.org's QuantitativeValue).", [
        p("schema:value", "value", min=1, max=1, msg="A quantity has exactly one numeric value.", dtor=["xsd:integer", "xsd:decimal", "xsd:double"]),
        p("schema:unitText", "unit", dt="xsd:string", min=1, max=1, msg="A quantity has exactly one unit text, such as 'GB'."),
        p("schema:unitCode", "unit code", dt="xsd:string", max=1, msg="A UN/CEFACT unit code is one string, such as 'E34'."),
    ]),
]


def lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def local(path: str) -> str:
    return path.split(":", 1)[1]


def main() -> None:
    out = [HEADER]
    for cls, comment, props in SHAPES:
        target = "schema:QuantitativeValue" if cls == "QuantitativeValue" else f"kg:{cls}"
        shape = f"shape:{cls}Shape"
        pshapes = []
        seen = set()
        for path, name, c, sev, msg in props:
            pid = f"{shape}-{local(path)}"
            while pid in seen:
                pid += "-2"
            seen.add(pid)
            lines = [f"{pid} a sh:PropertyShape ;",
                     f"    rdfs:label {lit(name)}@en ;",
                     f"    rdfs:comment {lit(msg)}@en ;",
                     f"    rdfs:seeAlso {path if not path.startswith('rdfs:') and not path.startswith('skos:') and not path.startswith('owl:') else path} ;",
                     f"    sh:path {path} ;",
                     f"    sh:name {lit(name)}@en ;",
                     f"    sh:message {lit(msg)}@en ;",
                     f"    sh:severity {sev} ;"]
            if "min" in c:
                lines.append(f"    sh:minCount {c['min']} ;")
            if "max" in c:
                lines.append(f"    sh:maxCount {c['max']} ;")
            if c.get("dt") == DATES:
                lines.append("    sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYearMonth ] [ sh:datatype xsd:gYear ] ) ;")
            elif "dt" in c:
                lines.append(f"    sh:datatype {c['dt']} ;")
            if "dtor" in c:
                alts = " ".join(f"[ sh:datatype {d} ]" for d in c["dtor"])
                lines.append(f"    sh:or ( {alts} ) ;")
            if c.get("lang"):
                lines.append('    sh:languageIn ( "en" ) ;')
            if "cls" in c:
                lines.append(f"    sh:class {c['cls']} ;")
            if "kind" in c:
                lines.append(f"    sh:nodeKind {c['kind']} ;")
            if "pattern" in c:
                lines.append(f"    sh:pattern {lit(c['pattern'])} ;")
            if "minInclusive" in c:
                lines.append(f"    sh:minInclusive {c['minInclusive']} ;")
            lines[-1] = lines[-1][:-2] + " ."
            pshapes.append((pid, "\n".join(lines)))
        node = [f"{shape} a sh:NodeShape ;",
                f"    rdfs:label {lit(cls + ' shape')}@en ;",
                f"    rdfs:comment {lit(comment)}@en ;",
                f"    rdfs:seeAlso {target} ;",
                f"    sh:targetClass {target} ;",
                "    sh:property " + ", ".join(pid for pid, _ in pshapes) + " ."]
        out.append("\n".join(node))
        out.extend(text for _, text in pshapes)
    out.append(SPARQL)
    print("\n\n".join(out))


HEADER = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix shape: <https://w3id.org/eleutherai-kg/shapes/> .
@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://w3id.org/eleutherai-kg/shapes> a owl:Ontology ;
    rdfs:label "SHACL shapes of the EleutherAI knowledge graph"@en ;
    rdfs:comment "Shapes for every class of the ontology and every property the facts use, plus SHACL-SPARQL rules that span entities and named graphs. Severities: Violation for what makes the data wrong, Warning for what is probably missing, Info for gaps worth filling (such as a missing Wikidata link)."@en ;
    owl:imports <https://w3id.org/eleutherai-kg/ontology> ;
    sh:declare shape:prefix-kg, shape:prefix-owl, shape:prefix-rdf, shape:prefix-rdfs .

shape:prefix-kg sh:prefix "kg" ; sh:namespace "https://w3id.org/eleutherai-kg/ontology/"^^xsd:anyURI .
shape:prefix-owl sh:prefix "owl" ; sh:namespace "http://www.w3.org/2002/07/owl#"^^xsd:anyURI .
shape:prefix-rdf sh:prefix "rdf" ; sh:namespace "http://www.w3.org/1999/02/22-rdf-syntax-ns#"^^xsd:anyURI .
shape:prefix-rdfs sh:prefix "rdfs" ; sh:namespace "http://www.w3.org/2000/01/rdf-schema#"^^xsd:anyURI ."""

SPARQL = r'''shape:ReleaseAfterFoundingShape a sh:NodeShape ;
    rdfs:label "released after the developer was founded"@en ;
    rdfs:comment "A model or dataset is not released before its developer was founded. Dates of different precision are compared on their common prefix (2020-07 is not before 2020-07-07)."@en ;
    rdfs:seeAlso kg:releaseDate, kg:foundingDate ;
    sh:targetSubjectsOf kg:releaseDate ;
    sh:sparql shape:ReleaseAfterFoundingShape-sparql .

shape:ReleaseAfterFoundingShape-sparql a sh:SPARQLConstraint ;
    rdfs:label "release not before founding"@en ;
    sh:message "{$this} is released on {?value}, before its developer {?developer} was founded on {?founded}."@en ;
    sh:severity sh:Violation ;
    sh:prefixes <https://w3id.org/eleutherai-kg/shapes> ;
    sh:select """
        SELECT $this ?value ?developer ?founded WHERE {
            $this kg:releaseDate ?value ;
                  kg:developer ?developer .
            ?developer kg:foundingDate ?founded .
            BIND (STR(?value) AS ?r)
            BIND (STR(?founded) AS ?f)
            BIND (IF(STRLEN(?r) < STRLEN(?f), STRLEN(?r), STRLEN(?f)) AS ?n)
            FILTER (SUBSTR(?r, 1, ?n) < SUBSTR(?f, 1, ?n))
        }""" .

shape:RoleDatesShape a sh:NodeShape ;
    rdfs:label "a role starts before it ends"@en ;
    rdfs:comment "A role's start is not after its end."@en ;
    rdfs:seeAlso kg:startDate, kg:endDate ;
    sh:targetClass kg:Role ;
    sh:sparql shape:RoleDatesShape-sparql .

shape:RoleDatesShape-sparql a sh:SPARQLConstraint ;
    rdfs:label "role start not after end"@en ;
    sh:message "The role {$this} starts on {?value}, after it ends on {?end}."@en ;
    sh:severity sh:Violation ;
    sh:prefixes <https://w3id.org/eleutherai-kg/shapes> ;
    sh:select """
        SELECT $this ?value ?end WHERE {
            $this kg:startDate ?value ;
                  kg:endDate ?end .
            BIND (STR(?value) AS ?s)
            BIND (STR(?end) AS ?e)
            BIND (IF(STRLEN(?s) < STRLEN(?e), STRLEN(?s), STRLEN(?e)) AS ?n)
            FILTER (SUBSTR(?s, 1, ?n) > SUBSTR(?e, 1, ?n))
        }""" .

shape:UniqueWikidataShape a sh:NodeShape ;
    rdfs:label "no two entities share a Wikidata item"@en ;
    rdfs:comment "Two entities of the graph linked to the same Wikidata QID would be merged by owl:sameAs; one of the links is wrong."@en ;
    rdfs:seeAlso owl:sameAs ;
    sh:targetSubjectsOf owl:sameAs ;
    sh:sparql shape:UniqueWikidataShape-sparql .

shape:UniqueWikidataShape-sparql a sh:SPARQLConstraint ;
    rdfs:label "unique Wikidata QID"@en ;
    sh:message "{$this} and {?other} are both linked to {?value}; a QID belongs to one entity."@en ;
    sh:severity sh:Violation ;
    sh:prefixes <https://w3id.org/eleutherai-kg/shapes> ;
    sh:select """
        SELECT $this ?value ?other WHERE {
            $this owl:sameAs ?value .
            ?other owl:sameAs ?value .
            FILTER (?other != $this)
            FILTER (STRSTARTS(STR(?value), "http://www.wikidata.org/entity/Q"))
            FILTER (STRSTARTS(STR($this), "https://w3id.org/eleutherai-kg/id/"))
            FILTER (STRSTARTS(STR(?other), "https://w3id.org/eleutherai-kg/id/"))
        }""" .

shape:AssertedFactSourceShape a sh:NodeShape ;
    rdfs:label "every asserted fact has a source"@en ;
    rdfs:comment "Every triple about an entity (the data's default graph included) stands in the named graph of a source sentence (kg:SourceSentence), or, for owl:sameAs links to Wikidata, in the Wikidata links graph. Inferred triples are exempt. It is one whole-dataset query focused on the dataset node (pySHACL runs a SPARQL constraint once per focus node; once per entity took 8 s on the shipped graph, this one query about 3 s); it needs the data as a dataset with named graphs."@en ;
    rdfs:seeAlso kg:SourceSentence ;
    sh:targetNode <https://w3id.org/eleutherai-kg/dataset> ;
    sh:sparql shape:AssertedFactSourceShape-sparql .

shape:AssertedFactSourceShape-sparql a sh:SPARQLConstraint ;
    rdfs:label "asserted fact without a source"@en ;
    sh:message "The fact {?subject} {?path} {?value} stands in no source sentence's named graph."@en ;
    sh:severity sh:Violation ;
    sh:prefixes <https://w3id.org/eleutherai-kg/shapes> ;
    sh:select """
        SELECT $this ?subject ?path ?value WHERE {
            {
                SELECT $this ?subject ?path ?value (MAX(?sourced) AS ?ok) WHERE {
                    ?subject ?path ?value .
                    FILTER (STRSTARTS(STR(?subject), "https://w3id.org/eleutherai-kg/id/"))
                    OPTIONAL {
                        GRAPH ?g { ?subject ?path ?value }
                        OPTIONAL {
                            GRAPH <https://w3id.org/eleutherai-kg/graph/sources> { ?g a kg:SourceSentence }
                            BIND (1 AS ?sentence)
                        }
                    }
                    BIND (IF(BOUND(?sentence)
                             || (BOUND(?g) && ?g = <https://w3id.org/eleutherai-kg/graph/wikidata> && ?path = owl:sameAs)
                             || (BOUND(?g) && ?g = <https://w3id.org/eleutherai-kg/graph/inferred>), 1, 0) AS ?sourced)
                }
                GROUP BY $this ?subject ?path ?value
            }
            FILTER (?ok = 0)
        }""" .'''

if __name__ == "__main__":
    main()
