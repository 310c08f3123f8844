/** The brief's roles, lowest first. */
export const USER_ROLES = ['viewer', 'operator', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export function roleAtLeast(role: UserRole, required: UserRole): boolean {
  return USER_ROLES.indexOf(role) >= USER_ROLES.indexOf(required);
}

/** Input is case-insensitive ("Admin", "OPERATOR"). */
export function parseRole(value: string): UserRole | undefined {
  const lower = value.toLowerCase();
  return (USER_ROLES as readonly string[]).includes(lower) ? (lower as UserRole) : undefined;
}
