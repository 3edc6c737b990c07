-- second version
CREATE TABLE ${schema}.b (id INT PRIMARY KEY);
CREATE INDEX b_id ON ${schema}.b (id);
