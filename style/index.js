import './base.css';
import './compare.css';
import './jobs.css';
