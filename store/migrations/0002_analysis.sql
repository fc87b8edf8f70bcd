-- Analysis side: gazetteer, extracted facts with offsets, stories, embeddings, failures.

ALTER TABLE articles ADD COLUMN story_id VARCHAR;
COMMENT ON COLUMN articles.story_id IS 'Story (stories.story_id): syndicated copies and light rewrites of one text share it.';

CREATE TABLE regions (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL
);
COMMENT ON TABLE regions IS 'French regions (INSEE Code officiel géographique).';
COMMENT ON COLUMN regions.code IS 'INSEE region code, e.g. "24" for Centre-Val de Loire.';
COMMENT ON COLUMN regions.name IS 'Region name.';

CREATE TABLE departements (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    region VARCHAR
);
COMMENT ON TABLE departements IS 'French départements (INSEE Code officiel géographique).';
COMMENT ON COLUMN departements.code IS 'INSEE département code, e.g. "18", "2A", "971".';
COMMENT ON COLUMN departements.name IS 'Département name.';
COMMENT ON COLUMN departements.region IS 'Region code (regions.code).';

CREATE TABLE communes (
    insee VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    departement VARCHAR,
    region VARCHAR,
    population INTEGER,
    lat DOUBLE,
    lon DOUBLE,
    type VARCHAR,
    parent VARCHAR
);
COMMENT ON TABLE communes IS 'French communes from the gazetteer the NLP links to (current INSEE codes).';
COMMENT ON COLUMN communes.insee IS 'INSEE commune code (not the postcode), e.g. "18052".';
COMMENT ON COLUMN communes.name IS 'Official commune name.';
COMMENT ON COLUMN communes.departement IS 'Département code (departements.code).';
COMMENT ON COLUMN communes.region IS 'Region code (regions.code).';
COMMENT ON COLUMN communes.population IS 'Municipal population (latest INSEE figure in the gazetteer).';
COMMENT ON COLUMN communes.lat IS 'Latitude of the commune centroid (WGS84).';
COMMENT ON COLUMN communes.lon IS 'Longitude of the commune centroid (WGS84).';
COMMENT ON COLUMN communes.type IS 'COM (commune), COMD (commune déléguée), COMA (commune associée) or ARM (municipal arrondissement).';
COMMENT ON COLUMN communes.parent IS 'INSEE code of the parent commune for COMD, COMA and ARM; NULL otherwise.';

CREATE TABLE article_communes (
    article_id VARCHAR NOT NULL,
    insee VARCHAR NOT NULL,
    name VARCHAR,
    departement VARCHAR,
    region VARCHAR,
    is_primary BOOLEAN NOT NULL,
    ordinal INTEGER NOT NULL,
    PRIMARY KEY (article_id, insee)
);
COMMENT ON TABLE article_communes IS 'Communes an article names, one row per (article, commune).';
COMMENT ON COLUMN article_communes.article_id IS 'Article (articles.article_id).';
COMMENT ON COLUMN article_communes.insee IS 'INSEE commune code (communes.insee).';
COMMENT ON COLUMN article_communes.name IS 'Commune name as linked by the NLP.';
COMMENT ON COLUMN article_communes.departement IS 'Département code of the commune.';
COMMENT ON COLUMN article_communes.region IS 'Region code of the commune.';
COMMENT ON COLUMN article_communes.is_primary IS 'True when the article is about this commune (not merely naming it).';
COMMENT ON COLUMN article_communes.ordinal IS 'Order of the commune in the analysis output.';

CREATE TABLE commune_mentions (
    article_id VARCHAR NOT NULL,
    insee VARCHAR NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    PRIMARY KEY (article_id, start_offset, insee)
);
COMMENT ON TABLE commune_mentions IS 'Each place in the text where a commune is named; articles.text[start+1:end] = text (SQL substring is 1-based).';
COMMENT ON COLUMN commune_mentions.article_id IS 'Article (articles.article_id).';
COMMENT ON COLUMN commune_mentions.insee IS 'INSEE commune code.';
COMMENT ON COLUMN commune_mentions.start_offset IS 'Start character offset in articles.text (0-based, Python convention).';
COMMENT ON COLUMN commune_mentions.end_offset IS 'End character offset (exclusive) in articles.text.';
COMMENT ON COLUMN commune_mentions.text IS 'The mention as written in the article.';

CREATE TABLE article_areas (
    article_id VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    name VARCHAR,
    ordinal INTEGER NOT NULL,
    PRIMARY KEY (article_id, level, code)
);
COMMENT ON TABLE article_areas IS 'Départements and regions an article names or designates, one row per (article, area).';
COMMENT ON COLUMN article_areas.article_id IS 'Article (articles.article_id).';
COMMENT ON COLUMN article_areas.level IS '"departement" or "region".';
COMMENT ON COLUMN article_areas.code IS 'INSEE code of the département or region.';
COMMENT ON COLUMN article_areas.name IS 'Official name.';
COMMENT ON COLUMN article_areas.ordinal IS 'Order in the analysis output.';

CREATE TABLE area_mentions (
    article_id VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    name VARCHAR,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    PRIMARY KEY (article_id, level, code, start_offset)
);
COMMENT ON TABLE area_mentions IS 'Départements and regions named in an article, with offsets into articles.text.';
COMMENT ON COLUMN area_mentions.article_id IS 'Article (articles.article_id).';
COMMENT ON COLUMN area_mentions.level IS '"departement" or "region".';
COMMENT ON COLUMN area_mentions.code IS 'INSEE code of the département or region.';
COMMENT ON COLUMN area_mentions.name IS 'Official name of the département or region.';
COMMENT ON COLUMN area_mentions.start_offset IS 'Start character offset in articles.text (0-based).';
COMMENT ON COLUMN area_mentions.end_offset IS 'End character offset (exclusive).';
COMMENT ON COLUMN area_mentions.text IS 'The mention as written ("le Cher", "(18)", "cantalien").';

CREATE TABLE initiatives (
    initiative_id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL,
    type VARCHAR NOT NULL,
    status VARCHAR,
    actors VARCHAR[],
    commune_insee VARCHAR,
    evidence_start INTEGER NOT NULL,
    evidence_end INTEGER NOT NULL,
    evidence_text VARCHAR NOT NULL
);
COMMENT ON TABLE initiatives IS 'Responses to the doctor shortage reported by articles (one per type and commune within an article).';
COMMENT ON COLUMN initiatives.initiative_id IS 'Stable id from the article, type, commune and evidence offsets.';
COMMENT ON COLUMN initiatives.article_id IS 'Article (articles.article_id).';
COMMENT ON COLUMN initiatives.ordinal IS 'Order of the initiative in the analysis output.';
COMMENT ON COLUMN initiatives.type IS 'Initiative type (see nlp/labels.py): maison_de_sante, centre_de_sante, temps_partage, recrutement, aide_installation, formation_internes, telemedecine, cabinet_mobile, exercice_coordonne, regulation, mobilisation.';
COMMENT ON COLUMN initiatives.status IS '"projet", "ouvert", "ferme" or NULL when the text does not say.';
COMMENT ON COLUMN initiatives.actors IS 'Organisations or people driving the initiative.';
COMMENT ON COLUMN initiatives.commune_insee IS 'INSEE code of the commune concerned; NULL for national or regional initiatives.';
COMMENT ON COLUMN initiatives.evidence_start IS 'Start offset of the evidence sentence in articles.text (0-based).';
COMMENT ON COLUMN initiatives.evidence_end IS 'End offset (exclusive) of the evidence.';
COMMENT ON COLUMN initiatives.evidence_text IS 'The evidence text.';

CREATE TABLE figures (
    figure_id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    unit VARCHAR,
    text VARCHAR NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    commune_insee VARCHAR
);
COMMENT ON TABLE figures IS 'Quantities that matter for the topic (densities, doctors, patients, amounts...).';
COMMENT ON COLUMN figures.figure_id IS 'Stable id from the article, kind and offsets.';
COMMENT ON COLUMN figures.article_id IS 'Article (articles.article_id).';
COMMENT ON COLUMN figures.ordinal IS 'Order of the figure in the analysis output.';
COMMENT ON COLUMN figures.kind IS 'Figure kind (see nlp/labels.py): densite, habitants, patients, consultations, medecins, montant, pourcentage, structures, duree, age, distance.';
COMMENT ON COLUMN figures.value IS 'Normalised value ("46,4" -> 46.4, "2 millions d''euros" -> 2000000; densities per 100,000 inhabitants).';
COMMENT ON COLUMN figures.unit IS 'Unit of value ("pour 100 000 habitants", "euros", "%", ...).';
COMMENT ON COLUMN figures.text IS 'The figure as written in the article.';
COMMENT ON COLUMN figures.start_offset IS 'Start offset in articles.text (0-based).';
COMMENT ON COLUMN figures.end_offset IS 'End offset (exclusive).';
COMMENT ON COLUMN figures.commune_insee IS 'INSEE code of the commune the figure is about, if any.';

CREATE TABLE processing_failures (
    article_id VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL,
    url VARCHAR,
    stage VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    message VARCHAR,
    failed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, pipeline_version)
);
COMMENT ON TABLE processing_failures IS 'Articles the NLP could not analyse, with why; retried after a pipeline change or with --reprocess.';
COMMENT ON COLUMN processing_failures.article_id IS 'Article (articles.article_id).';
COMMENT ON COLUMN processing_failures.pipeline_version IS 'Pipeline version that failed.';
COMMENT ON COLUMN processing_failures.url IS 'Article URL, for convenience.';
COMMENT ON COLUMN processing_failures.stage IS 'Where it failed: "analyze", "embed", "store".';
COMMENT ON COLUMN processing_failures.reason IS 'Stable short code (exception class or InputError reason).';
COMMENT ON COLUMN processing_failures.message IS 'Error message.';
COMMENT ON COLUMN processing_failures.failed_at IS 'When (UTC).';

CREATE TABLE stories (
    story_id VARCHAR PRIMARY KEY,
    title VARCHAR,
    first_article_id VARCHAR NOT NULL,
    first_published DATE,
    n_articles INTEGER NOT NULL,
    n_sources INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE stories IS 'Near-duplicate groups: one story per text, whatever the number of outlets that printed it.';
COMMENT ON COLUMN stories.story_id IS 'Story id ("s" + article id of the first member); stable once assigned.';
COMMENT ON COLUMN stories.title IS 'Headline of the first member.';
COMMENT ON COLUMN stories.first_article_id IS 'Earliest article of the story (by publication, then fetch time).';
COMMENT ON COLUMN stories.first_published IS 'Earliest publication date among its articles (fetch date when unknown).';
COMMENT ON COLUMN stories.n_articles IS 'Number of articles (copies) in the story.';
COMMENT ON COLUMN stories.n_sources IS 'Number of distinct outlets that printed it.';
COMMENT ON COLUMN stories.updated_at IS 'When the story was last recomputed (UTC).';

CREATE TABLE article_minhash (
    article_id VARCHAR PRIMARY KEY,
    num_perm INTEGER NOT NULL,
    signature UBIGINT[] NOT NULL
);
COMMENT ON TABLE article_minhash IS 'MinHash signature of each article body (word 9-shingles), kept so grouping new articles does not rehash old ones.';
COMMENT ON COLUMN article_minhash.article_id IS 'Article (articles.article_id).';
COMMENT ON COLUMN article_minhash.num_perm IS 'Number of permutations of the signature.';
COMMENT ON COLUMN article_minhash.signature IS 'MinHash hash values (datasketch).';

CREATE TABLE embeddings (
    item_kind VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    model_id VARCHAR NOT NULL,
    dim INTEGER NOT NULL,
    vector FLOAT[] NOT NULL,
    text_sha1 VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_kind, item_id, model_id)
);
COMMENT ON TABLE embeddings IS 'Sentence embeddings (L2-normalised) of initiatives (evidence with context) and relevant articles; only vectors of one model_id are ever compared.';
COMMENT ON COLUMN embeddings.item_kind IS '"initiative" or "article".';
COMMENT ON COLUMN embeddings.item_id IS 'initiatives.initiative_id or articles.article_id.';
COMMENT ON COLUMN embeddings.model_id IS 'Embedding model that produced the vector (settings.embedding_model).';
COMMENT ON COLUMN embeddings.dim IS 'Vector length.';
COMMENT ON COLUMN embeddings.vector IS 'The vector (unit length).';
COMMENT ON COLUMN embeddings.text_sha1 IS 'SHA-1 of the embedded text, to re-embed only what changed.';
COMMENT ON COLUMN embeddings.created_at IS 'When it was computed (UTC).';

CREATE TABLE store_meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
COMMENT ON TABLE store_meta IS 'Small key/value facts about this file (e.g. the hash of the loaded gazetteer).';
COMMENT ON COLUMN store_meta.key IS 'Key, e.g. "gazetteer_sha1".';
COMMENT ON COLUMN store_meta.value IS 'Value.';
