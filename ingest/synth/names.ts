/**
 * Word lists for the synthetic tenant: given and family names (people are named by a bijection
 * over these lists, so mail addresses are unique by construction), departments, sites, company
 * and partner domains, and words for application names. Plain ASCII so that mail addresses are
 * valid without transliteration.
 */

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra',
  'Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle',
  'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Dorothy', 'George', 'Melissa', 'Timothy', 'Deborah',
  'Ronald', 'Stephanie', 'Edward', 'Rebecca', 'Jason', 'Sharon', 'Jeffrey', 'Laura', 'Ryan', 'Cynthia',
  'Jacob', 'Kathleen', 'Gary', 'Amy', 'Nicholas', 'Angela', 'Eric', 'Shirley', 'Jonathan', 'Anna',
  'Stephen', 'Brenda', 'Larry', 'Pamela', 'Justin', 'Emma', 'Scott', 'Nicole', 'Brandon', 'Helen',
  'Benjamin', 'Samantha', 'Samuel', 'Katherine', 'Gregory', 'Christine', 'Alexander', 'Debra', 'Frank', 'Rachel',
  'Patrick', 'Carolyn', 'Raymond', 'Janet', 'Jack', 'Catherine', 'Dennis', 'Maria', 'Jerry', 'Heather',
  'Tyler', 'Diane', 'Aaron', 'Ruth', 'Jose', 'Julie', 'Adam', 'Olivia', 'Nathan', 'Joyce',
  'Henry', 'Virginia', 'Douglas', 'Victoria', 'Zachary', 'Kelly', 'Peter', 'Lauren', 'Kyle', 'Christina',
  'Noah', 'Joan', 'Ethan', 'Evelyn', 'Jeremy', 'Judith', 'Walter', 'Megan', 'Christian', 'Andrea',
  'Keith', 'Cheryl', 'Roger', 'Hannah', 'Terry', 'Jacqueline', 'Austin', 'Martha', 'Sean', 'Gloria',
  'Gerald', 'Teresa', 'Carl', 'Ann', 'Harold', 'Sara', 'Dylan', 'Madison', 'Arthur', 'Frances',
  'Lawrence', 'Kathryn', 'Jordan', 'Janice', 'Jesse', 'Jean', 'Bryan', 'Abigail', 'Billy', 'Alice',
  'Bruce', 'Judy', 'Gabriel', 'Sophia', 'Joe', 'Grace', 'Logan', 'Denise', 'Albert', 'Amber',
  'Willie', 'Doris', 'Alan', 'Marilyn', 'Juan', 'Danielle', 'Wayne', 'Beverly', 'Elijah', 'Isabella',
  'Randy', 'Theresa', 'Roy', 'Diana', 'Vincent', 'Natalie', 'Ralph', 'Brittany', 'Eugene', 'Charlotte',
  'Russell', 'Marie', 'Bobby', 'Kayla', 'Mason', 'Alexis', 'Philip', 'Lori', 'Louis', 'Ingrid',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes',
  'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper',
  'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson',
  'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes',
  'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez',
  'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan', 'Bell', 'Coleman', 'Butler', 'Henderson', 'Barnes',
  'Gonzales', 'Fisher', 'Vasquez', 'Simmons', 'Romero', 'Jordan', 'Patterson', 'Alexander', 'Hamilton', 'Graham',
  'Reynolds', 'Griffin', 'Wallace', 'Moreno', 'West', 'Cole', 'Hayes', 'Bryant', 'Herrera', 'Gibson',
  'Ellis', 'Tran', 'Medina', 'Aguilar', 'Stevens', 'Murray', 'Ford', 'Castro', 'Marshall', 'Owens',
  'Harrison', 'Fernandez', 'McDonald', 'Woods', 'Washington', 'Kennedy', 'Wells', 'Vargas', 'Henry', 'Chen',
  'Freeman', 'Webb', 'Tucker', 'Guzman', 'Burns', 'Crawford', 'Olson', 'Simpson', 'Porter', 'Hunter',
  'Gordon', 'Mendez', 'Silva', 'Shaw', 'Snyder', 'Mason', 'Dixon', 'Munoz', 'Hunt', 'Hicks',
  'Holmes', 'Palmer', 'Wagner', 'Black', 'Robertson', 'Boyd', 'Rose', 'Stone', 'Salazar', 'Fox',
  'Warren', 'Mills', 'Meyer', 'Rice', 'Schmidt', 'Garza', 'Daniels', 'Ferguson', 'Nichols', 'Stephens',
  'Soto', 'Weaver', 'Ryan', 'Gardner', 'Payne', 'Grant', 'Dunn', 'Kelley', 'Spencer', 'Hawkins',
  'Arnold', 'Pierce', 'Vazquez', 'Hansen', 'Peters', 'Santos', 'Hart', 'Bradley', 'Knight', 'Elliott',
  'Cunningham', 'Duncan', 'Armstrong', 'Hudson', 'Carroll', 'Lane', 'Riley', 'Andrews', 'Alvarado', 'Ray',
  'Delgado', 'Berry', 'Perkins', 'Hoffman', 'Johnston', 'Matthews', 'Pena', 'Richards', 'Contreras', 'Willis',
  'Carpenter', 'Lawrence', 'Sandoval', 'Guerrero', 'George', 'Chapman', 'Rios', 'Estrada', 'Ortega', 'Watkins',
  'Greene', 'Nunez', 'Wheeler', 'Valdez', 'Harper', 'Burke', 'Larson', 'Santiago', 'Maldonado', 'Morrison',
  'Franklin', 'Carlson', 'Austin', 'Dominguez', 'Carr', 'Lawson', 'Jacobs', 'OBrien', 'Lynch', 'Singh',
  'Vega', 'Bishop', 'Montgomery', 'Oliver', 'Jensen', 'Harvey', 'Williamson', 'Gilbert', 'Dean', 'Sims',
  'Espinoza', 'Howell', 'Li', 'Wong', 'Reid', 'Hanson', 'Le', 'McCoy', 'Garrett', 'Burton',
  'Fuller', 'Wang', 'Weber', 'Welch', 'Rojas', 'Lucas', 'Marquez', 'Fields', 'Park', 'Yang',
  'Little', 'Banks', 'Padilla', 'Day', 'Walsh', 'Bowman', 'Schultz', 'Luna', 'Fowler', 'Mejia',
  'Davidson', 'Acosta', 'Brewer', 'May', 'Holland', 'Juarez', 'Newman', 'Pearson', 'Curtis', 'Cortez',
  'Douglas', 'Schneider', 'Joseph', 'Barrett', 'Navarro', 'Figueroa', 'Keller', 'Avila', 'Wade', 'Molina',
] as const;

/** Departments with relative sizes (a few big ones, many small ones). */
export const DEPARTMENTS: readonly (readonly [string, number])[] = [
  ['Engineering', 24],
  ['Sales', 16],
  ['Operations', 12],
  ['Customer Support', 10],
  ['Marketing', 7],
  ['Finance', 6],
  ['Manufacturing', 6],
  ['Human Resources', 4],
  ['IT', 4],
  ['Research', 3],
  ['Legal', 2],
  ['Procurement', 2],
  ['Security', 1.5],
  ['Facilities', 1.5],
  ['Executive Office', 0.5],
  ['Internal Audit', 0.5],
];

export const LOCATIONS = [
  'Seattle', 'New York', 'Austin', 'Chicago', 'Toronto', 'London', 'Dublin', 'Berlin', 'Munich', 'Paris',
  'Amsterdam', 'Madrid', 'Stockholm', 'Warsaw', 'Bangalore', 'Singapore', 'Tokyo', 'Sydney', 'Sao Paulo', 'Mexico City',
] as const;

export const COMPANIES = ['contoso', 'fabrikam', 'northwind', 'tailspin', 'woodgrove', 'litware', 'adatum', 'proseware'] as const;

export const PARTNER_DOMAINS = [
  'partner-consulting.com', 'agency-creative.net', 'vendorsupport.io', 'contract-staffing.com', 'auditfirm.example',
  'logistics-partner.com', 'design-studio.io', 'outsourced-it.net',
] as const;

export const APP_WORDS = [
  'payroll', 'billing', 'invoice', 'reporting', 'analytics', 'inventory', 'crm', 'hr', 'onboarding', 'backup',
  'deploy', 'build', 'monitor', 'alerts', 'sync', 'export', 'import', 'archive', 'search', 'catalog',
  'pricing', 'forecast', 'ledger', 'audit', 'compliance', 'ticketing', 'chatbot', 'scheduler', 'gateway', 'portal',
  'warehouse', 'shipping', 'orders', 'quotes', 'contracts', 'expenses', 'travel', 'badge', 'wiki', 'docs',
] as const;

export const APP_SUFFIXES = ['service', 'api', 'bot', 'worker', 'tool', 'app', 'connector', 'automation', 'job', 'daemon'] as const;

export const GROUP_TOPICS = [
  'Project', 'Team', 'Squad', 'Guild', 'Committee', 'Working Group', 'Program', 'Taskforce', 'Community', 'Pod',
] as const;

export const GROUP_THEMES = [
  'Atlas', 'Beacon', 'Cobalt', 'Delta', 'Ember', 'Falcon', 'Granite', 'Harbor', 'Iris', 'Juniper',
  'Kestrel', 'Lumen', 'Meridian', 'Nimbus', 'Onyx', 'Pioneer', 'Quartz', 'Raven', 'Summit', 'Tundra',
  'Umber', 'Vertex', 'Willow', 'Xenon', 'Yarrow', 'Zephyr', 'Apollo', 'Borealis', 'Cascade', 'Drift',
] as const;

/** Third-party multi-tenant SaaS that appear as enterprise applications (service principals only). */
export const GALLERY_APPS = [
  'Slack', 'Zoom', 'Salesforce', 'ServiceNow', 'Workday', 'GitHub Enterprise Cloud', 'Atlassian Cloud', 'Adobe Creative Cloud',
  'Box', 'Dropbox Business', 'DocuSign', 'Zendesk', 'Tableau', 'Snowflake', 'Datadog', 'PagerDuty',
  'Miro', 'Figma', 'Asana', 'Monday.com', 'HubSpot', 'Coupa', 'Concur', 'LinkedIn Learning',
] as const;
