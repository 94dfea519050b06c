import type { Route } from '../../app/router.tsx';
import { RegisterPage } from './RegisterPage.tsx';
import { SignInPage } from './SignInPage.tsx';

export const authRoutes: Route[] = [
  { path: '/signin', page: SignInPage, title: 'Sign in' },
  { path: '/register', page: RegisterPage, title: 'Create an account' },
];
