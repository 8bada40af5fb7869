// Node roles from Figure 1 of Shafer 2010 (Eucalyptus cluster architecture).
export const ROLES = ['CLC', 'CC', 'EBS', 'WALRUS', 'NC'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_TITLES: Record<Role, string> = {
  CLC: 'Cloud controller',
  CC: 'Cluster controller',
  EBS: 'Elastic block storage controller',
  WALRUS: 'Walrus storage controller',
  NC: 'Node controller (hypervisor host)',
};

/** The paper's classic two-node lab: one front-end with every controller, one back-end NC. */
export const FRONT_END_ROLES: readonly Role[] = ['CLC', 'CC', 'EBS', 'WALRUS'];
export const BACK_END_ROLES: readonly Role[] = ['NC'];
