-- Image catalog modelled on Azure Compute Gallery: gallery -> image definition -> image version.

CREATE TABLE galleries (
    name        VARCHAR(80) PRIMARY KEY,
    description TEXT,
    created_at  VARCHAR(40) NOT NULL
);

CREATE TABLE image_definitions (
    gallery            VARCHAR(80) NOT NULL REFERENCES galleries(name),
    name               VARCHAR(80) NOT NULL,
    publisher          VARCHAR(128) NOT NULL,
    offer              VARCHAR(64) NOT NULL,
    sku                VARCHAR(64) NOT NULL,
    os_type            VARCHAR(16),
    os_state           VARCHAR(16) NOT NULL,
    hyper_v_generation VARCHAR(4),
    architecture       VARCHAR(8),
    description        TEXT,
    eula               TEXT,
    end_of_life        VARCHAR(40),
    tags_json          TEXT NOT NULL DEFAULT '{}',
    created_at         VARCHAR(40) NOT NULL,
    PRIMARY KEY (gallery, name),
    UNIQUE (gallery, publisher, offer, sku)
);

CREATE TABLE image_versions (
    gallery          VARCHAR(80) NOT NULL,
    image            VARCHAR(80) NOT NULL,
    version          VARCHAR(40) NOT NULL,
    major            INTEGER NOT NULL,
    minor            INTEGER NOT NULL,
    patch            INTEGER NOT NULL,
    exclude_from_latest BOOLEAN NOT NULL DEFAULT FALSE,
    end_of_life      VARCHAR(40),
    published_at     VARCHAR(40) NOT NULL,
    package_path     VARCHAR(1024) NOT NULL,
    virtual_size     BIGINT NOT NULL,
    file_size        BIGINT NOT NULL,
    md5              VARCHAR(32) NOT NULL,
    sha256           VARCHAR(64) NOT NULL,
    source_sha256    VARCHAR(64) NOT NULL,
    verdict          VARCHAR(40) NOT NULL,
    source_job       VARCHAR(64) NOT NULL,
    PRIMARY KEY (gallery, image, version),
    FOREIGN KEY (gallery, image) REFERENCES image_definitions(gallery, name)
);

CREATE UNIQUE INDEX image_versions_source ON image_versions(source_sha256);
