import { Type } from 'typebox';
import { NullableTimestamp, Timestamp } from '../http/schemas.js';

export const RoleInput = Type.String({ minLength: 1, maxLength: 20, description: 'admin, operator or viewer (any case)' });

export const UserBody = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  role: Type.String({ enum: ['admin', 'operator', 'viewer'] }),
  disabled: Type.Boolean(),
  created_at: Timestamp,
  last_login_at: NullableTimestamp,
});

export const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$', description: 'letters, digits and . _ @ -' });
export const Password = Type.String({ minLength: 8, maxLength: 256, description: 'at least 8 characters' });
