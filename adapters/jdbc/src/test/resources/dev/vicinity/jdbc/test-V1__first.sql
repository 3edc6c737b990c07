-- first version
CREATE TABLE ${schema}.a (id INT PRIMARY KEY);
